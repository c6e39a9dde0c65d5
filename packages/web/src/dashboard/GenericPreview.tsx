import { TaskAttachments } from '../workbench/AttachmentView.tsx';
import type { PreviewProps } from '../families/types.ts';

/** The preview of a task type whose family draws nothing special: its attachments above the response JSON. */
export function GenericPreview({ task, response }: PreviewProps) {
  return (
    <div className="tw-preview">
      <TaskAttachments task={task} />
      <ResponseJson response={response} />
    </div>
  );
}

/** The response as indented JSON, open by default. */
export function ResponseJson({ response }: { response: unknown }) {
  if (response === undefined || response === null) return <p className="tw-hint">No response yet.</p>;
  return (
    <details open className="tw-json">
      <summary>Response JSON</summary>
      <pre>{JSON.stringify(response, null, 2)}</pre>
    </details>
  );
}

