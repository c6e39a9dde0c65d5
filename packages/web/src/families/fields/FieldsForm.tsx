import { useState } from 'react';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import { FieldInput } from './FieldInput.tsx';
import { answersKey, parseFields, pruneAnswers, readFieldValues, validateFields, type FieldValue } from './fields.ts';
import { useResponseSource } from '../../workbench/use-response-source.ts';

/**
 * textcollection and datacollection: answer each field. textcollection is saved as Scale returns
 * it, `{annotations: {field_id: value}}` (values of each field's type, lists when a field takes
 * several answers); datacollection as `{fields: {key: value}}`.
 */
export function FieldsForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const fields = parseFields(task.params.fields);
  const key = answersKey(task.type);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => {
    const saved = initialResponse as Record<string, unknown> | undefined;
    // A textcollection draft saved before answers moved to `annotations` still has them in `fields`.
    const answers = saved?.[key] ?? (key === 'annotations' ? saved?.fields : undefined);
    return readFieldValues(fields, answers);
  });

  useResponseSource(
    values,
    (state) => (key === 'annotations' ? { annotations: pruneAnswers(state) } : { fields: state }),
    (state) => validateFields(fields, state),
    { onReady, onChange },
  );

  return (
    <div className="tw-form">
      <TaskAttachments task={task} />
      {fields.length === 0 && <p role="alert">This task defines no fields.</p>}
      {fields.map((field) => (
        <FieldInput
          key={field.id}
          field={field}
          value={values[field.id]}
          onChange={(value) =>
            setValues((current) => {
              const next = { ...current };
              if (value === undefined) delete next[field.id];
              else next[field.id] = value;
              return next;
            })
          }
        />
      ))}
    </div>
  );
}
