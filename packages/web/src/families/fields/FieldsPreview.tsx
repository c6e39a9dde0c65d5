import { ResponseJson } from '../../dashboard/GenericPreview.tsx';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import type { PreviewProps } from '../types.ts';
import { FieldAnswers } from './FieldAnswers.tsx';

/** Field answers (textcollection's `annotations`, the others' `fields`) by field title, above the response JSON. */
export function FieldsPreview({ task, response }: PreviewProps) {
  return (
    <div className="tw-preview">
      <TaskAttachments task={task} />
      <FieldAnswers taskType={task.type} params={task.params} response={response} />
      <ResponseJson response={response} />
    </div>
  );
}
