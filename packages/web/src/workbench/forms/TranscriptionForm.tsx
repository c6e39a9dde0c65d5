import { useState } from 'react';
import type { TaskEditorProps } from '../task-editor.ts';
import { newId } from '../../editor/ids.ts';
import { TaskAttachments } from './AttachmentView.tsx';
import { FieldInput } from './FieldInput.tsx';
import { parseFields, readFieldValues, validateFields, type FieldSpec, type FieldValue } from './fields.ts';
import { useResponseSource } from './use-response-source.ts';

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
  if (task.type === 'documenttranscription') {
    return <DocumentTranscriptionForm task={task} initialResponse={initialResponse} onReady={onReady} onChange={onChange} />;
  }
  return <FieldTranscriptionForm task={task} initialResponse={initialResponse} onReady={onReady} onChange={onChange} />;
}

function FieldTranscriptionForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
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

interface DocumentEntry {
  uuid: string;
  label: string;
  text: string;
}

/**
 * documenttranscription (a Tagwright shape; Scale's is not public): a list of transcribed entries,
 * each a label (from the task's `fields` keys or `labels`, or free) and the text, saved as
 * `{annotations: [{uuid, label, text}]}`.
 */
function DocumentTranscriptionForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const suggested = [
    ...parseFields(task.params.fields).map((field) => field.id),
    ...(Array.isArray(task.params.labels) ? task.params.labels.filter((label): label is string => typeof label === 'string') : []),
  ];
  const [entries, setEntries] = useState<DocumentEntry[]>(() => {
    const saved = (initialResponse as { annotations?: unknown } | undefined)?.annotations;
    if (Array.isArray(saved)) {
      return saved.flatMap((entry) =>
        entry && typeof entry === 'object' && typeof (entry as DocumentEntry).text === 'string'
          ? [{ uuid: String((entry as DocumentEntry).uuid ?? newId()), label: String((entry as DocumentEntry).label ?? ''), text: (entry as DocumentEntry).text }]
          : [],
      );
    }
    return suggested.map((label) => ({ uuid: newId(), label, text: '' }));
  });

  useResponseSource(
    entries,
    (current) => ({ annotations: current.filter((entry) => entry.text.trim() !== '') }),
    (current) => (current.some((entry) => entry.text.trim() !== '') ? [] : ['Transcribe at least one entry.']),
    { onReady, onChange },
  );

  const update = (uuid: string, patch: Partial<DocumentEntry>) =>
    setEntries((current) => current.map((entry) => (entry.uuid === uuid ? { ...entry, ...patch } : entry)));

  return (
    <div className="tw-form">
      <TaskAttachments task={task} />
      <datalist id="document-labels">
        {suggested.map((label) => (
          <option key={label} value={label} />
        ))}
      </datalist>
      {entries.map((entry, index) => (
        <fieldset key={entry.uuid} className="tw-row">
          <legend>Entry {index + 1}</legend>
          <label>
            Label
            <input type="text" list="document-labels" value={entry.label} onChange={(event) => update(entry.uuid, { label: event.target.value })} />
          </label>
          <label>
            Text
            <textarea rows={2} value={entry.text} onChange={(event) => update(entry.uuid, { text: event.target.value })} />
          </label>
          <button type="button" onClick={() => setEntries((current) => current.filter((other) => other.uuid !== entry.uuid))}>
            Remove
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setEntries((current) => [...current, { uuid: newId(), label: '', text: '' }])}>
        Add entry
      </button>
    </div>
  );
}
