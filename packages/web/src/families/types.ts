import type { ComponentType } from 'react';
import type { FullTask } from '../api/dashboard-types.ts';
import type { TaskEditorProps } from '../workbench/task-editor.ts';

/** What a family's read-only preview is given: the task as the dashboard holds it and the response to draw. */
export interface PreviewProps {
  task: FullTask;
  response: unknown;
}

/**
 * What the first page knows of a family (`families/<id>/family.ts`): which task types it labels.
 * Its editor and preview are in `families/<id>/index.ts`, loaded when one is first shown.
 */
export interface FamilyInfo {
  /** The same id as the server's family (`packages/server/src/families/<id>/`). */
  readonly id: string;
  /** The Scale task types this editor can label. */
  readonly taskTypes: readonly string[];
}

/**
 * The web half of a task family (docs/task-families.md): the editor the workbench shows for its
 * task types (labeling, review fixes) and the read-only preview the dashboard, review and audit
 * pages draw a response with. The workbench shell (instructions, autosave, skip, submit) and the
 * dashboard never name a task type; they look the family up in `families/index.ts`.
 */
export interface FamilyUI extends FamilyInfo {
  readonly Editor: ComponentType<TaskEditorProps>;
  readonly Preview: ComponentType<PreviewProps>;
}
