import { useState } from 'react';
import type { TaskEditorProps } from '../task-editor.ts';
import { TaskAttachments } from './AttachmentView.tsx';
import { FieldInput } from './FieldInput.tsx';
import { parseFields, readFieldValues, validateFields, type FieldValue } from './fields.ts';
import { useResponseSource } from './use-response-source.ts';

/** textcollection and datacollection: answer each field; saved as `{fields: {field_id: value}}`. */
export function FieldsForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const fields = parseFields(task.params.fields);
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    readFieldValues(fields, (initialResponse as { fields?: unknown } | undefined)?.fields),
  );

  useResponseSource(values, (state) => ({ fields: state }), (state) => validateFields(fields, state), { onReady, onChange });

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
