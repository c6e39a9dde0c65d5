import { isPlainObject } from './lenient.ts';

/** The task's attachment: `attachment`, else the first of `attachments` (a string, or an object's `url`/`content`); '' when none. */
export function attachmentOf(task: { params: Record<string, unknown> }): string {
  const { attachment, attachments } = task.params;
  if (typeof attachment === 'string') return attachment;
  const first = Array.isArray(attachments) ? attachments[0] : undefined;
  if (typeof first === 'string') return first;
  if (isPlainObject(first)) {
    const value = first.url ?? first.attachment ?? first.content;
    if (typeof value === 'string') return value;
  }
  return '';
}
