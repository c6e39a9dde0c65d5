import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { FieldsForm } from './FieldsForm.tsx';
import { TranscriptionForm } from './TranscriptionForm.tsx';

/** transcription adds rows of repeatable fields; textcollection and datacollection are one form of fields. */
export function FieldsEditor(props: TaskEditorProps) {
  return props.task.type === 'transcription' ? <TranscriptionForm {...props} /> : <FieldsForm {...props} />;
}
