import type { FullTask } from '../api/dashboard-types.ts';
import { familyUiOf } from '../families/index.ts';
import { GenericPreview } from './GenericPreview.tsx';

/**
 * A task's response drawn read-only, by the preview of the task's family (families/index.ts): image
 * annotations over the image, categories as a checked list, field answers by title; a type no
 * family draws shows its attachments and the response JSON.
 */
export function ResponsePreview({ task, response }: { task: FullTask; response: unknown }) {
  const Preview = familyUiOf(task.type)?.Preview ?? GenericPreview;
  return <Preview task={task} response={response} />;
}
