import type { DraftPart, WorkbenchTask } from '../api/types.ts';
import type { AppApi } from '../api/client.ts';

/** How the task view reads the response out of whichever editor the task type uses. */
export interface ResponseSource {
  /** The response as Scale would return it for this task type. */
  getResponse(): unknown;
  /** Reasons the response can't be submitted yet; empty when it can. */
  validate(): string[];
  /**
   * For editors with large drafts (chat): the parts changed since the last save, to save instead of
   * the whole response (docs/app-api.md, draft by the part); `saved()` once the server has them.
   */
  draftPatch?(): { parts: DraftPart[]; saved(): void };
}

/**
 * Every per-type editor takes these props. Editors call `onReady` once with their response source
 * and `onChange` after each edit (cheap: the task view only schedules an autosave; it serialises
 * later, so dragging a shape doesn't serialise 1,000 of them per pointer move).
 */
export interface TaskEditorProps {
  task: WorkbenchTask;
  /** A saved draft, or the response under review, to start from. */
  initialResponse?: unknown;
  /** `initialResponse` is the server's draft (so a draft saved by the part need only send what changes). */
  initialIsDraft?: boolean;
  onReady: (source: ResponseSource) => void;
  onChange: () => void;
  /** The server and the lease the task is held under, for editors that call the server while working (chat asks model endpoints). */
  work?: { api: AppApi; leaseId: string };
}

/** The URL the browser should load for the task's single attachment. */
export function attachmentUrl(task: WorkbenchTask): string | undefined {
  if (task.attachment_url) return task.attachment_url;
  const attachment = task.params.attachment;
  return typeof attachment === 'string' && /^(https?:|data:image\/)/i.test(attachment) ? attachment : undefined;
}
