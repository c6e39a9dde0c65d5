import { useState } from 'react';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { newId } from '../../editor/ids.ts';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import { parseFields } from '../fields/fields.ts';
import { useResponseSource } from '../../workbench/use-response-source.ts';

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
export function DocumentTranscriptionForm({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
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
