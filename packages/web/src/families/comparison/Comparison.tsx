import { useState } from 'react';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { flattenLabels } from '../../editor/labels.ts';
import { AttachmentView } from '../../workbench/AttachmentView.tsx';
import { FieldInput } from '../fields/FieldInput.tsx';
import { parseFields, readFieldValues, validateFields, type FieldValue } from '../fields/fields.ts';
import { useResponseSource } from '../../workbench/use-response-source.ts';

interface ComparisonState {
  choice: string | null;
  fields: Record<string, FieldValue>;
}

/**
 * comparison: the attachments side by side, one `choice` from `choices`, and any `fields`.
 * Saved as `{choice}` plus `fields` when the task has fields.
 */
export function Comparison({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const choices = flattenLabels(task.params.choices);
  const fields = parseFields(task.params.fields);
  const type = typeof task.params.attachment_type === 'string' ? task.params.attachment_type : undefined;
  const attachments = Array.isArray(task.params.attachments) ? task.params.attachments : [];
  const saved = initialResponse as { choice?: unknown; fields?: unknown } | undefined;
  const [state, setState] = useState<ComparisonState>(() => ({
    choice: typeof saved?.choice === 'string' ? saved.choice : null,
    fields: readFieldValues(fields, saved?.fields),
  }));

  useResponseSource(
    state,
    (current) => ({ choice: current.choice, ...(fields.length > 0 ? { fields: current.fields } : {}) }),
    (current) => [...(choices.length > 0 && current.choice === null ? ['Make a choice.'] : []), ...validateFields(fields, current.fields)],
    { onReady, onChange },
  );

  return (
    <div className="tw-form">
      <div className="tw-comparison">
        {attachments.map((entry, index) => (
          <div key={index} className="tw-comparison-item">
            <h3>Option {index + 1}</h3>
            {(Array.isArray(entry) ? entry : [entry]).map((item, position) =>
              typeof item === 'string' ? (
                <AttachmentView key={position} type={type} content={item} url={Array.isArray(entry) ? undefined : task.attachment_urls?.[index]} />
              ) : null,
            )}
          </div>
        ))}
      </div>
      {choices.length > 0 && (
        <fieldset>
          <legend>Your choice</legend>
          {choices.map((option) => (
            <label key={option.value} className="tw-choice">
              <input
                type="radio"
                name="choice"
                checked={state.choice === option.value}
                onChange={() => setState((current) => ({ ...current, choice: option.value }))}
              />
              {option.display}
            </label>
          ))}
        </fieldset>
      )}
      {fields.map((field) => (
        <FieldInput
          key={field.id}
          field={field}
          value={state.fields[field.id]}
          onChange={(value) =>
            setState((current) => {
              const next = { ...current.fields };
              if (value === undefined) delete next[field.id];
              else next[field.id] = value;
              return { ...current, fields: next };
            })
          }
        />
      ))}
    </div>
  );
}
