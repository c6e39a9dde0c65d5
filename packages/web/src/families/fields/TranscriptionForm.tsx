import { useState } from 'react';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import { FieldInput } from './FieldInput.tsx';
import { parseFields, readFieldValues, validateFields, type FieldSpec, type FieldValue } from './fields.ts';
import { useResponseSource } from '../../workbench/use-response-source.ts';

interface TranscriptionState {
  fields: Record<string, FieldValue>;
  rows: Array<Record<string, FieldValue>>;
}

/**
 * transcription: `fields` answered once, plus any number of rows of `repeatable_fields` (line items
 * of a receipt, say). Saved as `{fields: {...}}`, with `repeatable_fields: [{...}, …]` when the task
 * has repeatable fields.
 */
export function TranscriptionForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const fields = parseFields(task.params.fields);
  const repeatable = parseFields(task.params.repeatable_fields);
  const hasRepeatable = task.params.repeatable_fields !== undefined;
  const saved = initialResponse as { fields?: unknown; repeatable_fields?: unknown } | undefined;
  const [state, setState] = useState<TranscriptionState>(() => ({
    fields: readFieldValues(fields, saved?.fields),
    rows: Array.isArray(saved?.repeatable_fields) ? saved.repeatable_fields.map((row) => readFieldValues(repeatable, row)) : [],
  }));

  useResponseSource(
    state,
    (current) => ({ fields: current.fields, ...(hasRepeatable ? { repeatable_fields: current.rows } : {}) }),
    (current) => [
      ...validateFields(fields, current.fields),
      ...current.rows.flatMap((row, index) => validateFields(repeatable, row).map((problem) => `Row ${index + 1}: ${problem}`)),
    ],
    { onReady, onChange },
  );

  const setField = (id: string, value: FieldValue | undefined) =>
    setState((current) => ({ ...current, fields: withValue(current.fields, id, value) }));
  const setRowField = (row: number, id: string, value: FieldValue | undefined) =>
    setState((current) => ({ ...current, rows: current.rows.map((entry, index) => (index === row ? withValue(entry, id, value) : entry)) }));

  return (
    <div className="tw-form">
      <TaskAttachments task={task} />
      {fields.map((field) => (
        <FieldInput key={field.id} field={field} value={state.fields[field.id]} onChange={(value) => setField(field.id, value)} />
      ))}
      {hasRepeatable && (
        <section className="tw-rows">
          <h3>Rows</h3>
          {state.rows.map((row, rowIndex) => (
            <fieldset key={rowIndex} className="tw-row">
              <legend>Row {rowIndex + 1}</legend>
              {repeatable.map((field) => (
                <FieldInput
                  key={field.id}
                  field={field as FieldSpec}
                  value={row[field.id]}
                  onChange={(value) => setRowField(rowIndex, field.id, value)}
                />
              ))}
              <button type="button" onClick={() => setState((current) => ({ ...current, rows: current.rows.filter((_, index) => index !== rowIndex) }))}>
                Remove row
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => setState((current) => ({ ...current, rows: [...current.rows, {}] }))}>
            Add row
          </button>
        </section>
      )}
    </div>
  );
}

function withValue(values: Record<string, FieldValue>, id: string, value: FieldValue | undefined): Record<string, FieldValue> {
  const next = { ...values };
  if (value === undefined) delete next[id];
  else next[id] = value;
  return next;
}
