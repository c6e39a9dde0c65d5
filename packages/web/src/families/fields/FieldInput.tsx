import { labelCaption } from '../../editor/labels.ts';
import type { FieldSpec, FieldValue } from './fields.ts';

interface FieldInputProps {
  field: FieldSpec;
  value: FieldValue | undefined;
  onChange: (value: FieldValue | undefined) => void;
  /** Makes element ids unique when the field sits inside a FieldSet or a list of answers. */
  idPrefix?: string;
}

/** One form question as the control its type calls for; a list of them when it takes several answers. */
export function FieldInput({ field, value, onChange, idPrefix = '' }: FieldInputProps) {
  if (!field.repeat) return <SingleInput field={field} value={value} onChange={onChange} idPrefix={idPrefix} caption={caption(field)} />;
  const items: FieldValue[] = Array.isArray(value) && !isChoiceList(field, value) ? value : value === undefined ? [] : [value];
  const setItem = (index: number, item: FieldValue | undefined) => onChange(items.map((entry, at) => (at === index ? (item ?? blankOf(field)) : entry)));
  return (
    <fieldset className="tw-field tw-field-list" data-field={field.id}>
      <legend>{caption(field)}</legend>
      {field.description && <p className="tw-hint">{field.description}</p>}
      {items.map((item, index) => (
        <div className="tw-field-item" key={index}>
          <SingleInput
            field={field}
            value={item}
            onChange={(next) => setItem(index, next)}
            idPrefix={`${idPrefix}${field.id}-${index}-`}
            caption={`${field.title} ${index + 1}`}
          />
          <button type="button" onClick={() => onChange(items.filter((_, at) => at !== index))}>
            Remove {field.title} {index + 1}
          </button>
        </div>
      ))}
      {items.length < field.repeat.max && (
        <button type="button" onClick={() => onChange([...items, blankOf(field)])}>
          Add {field.title}
        </button>
      )}
    </fieldset>
  );
}

function caption(field: FieldSpec): string {
  return `${field.title}${field.required ? ' *' : ''}`;
}

/** A category answer is itself a list; a repeated category is a list of lists. */
function isChoiceList(field: FieldSpec, value: FieldValue[]): boolean {
  return field.type === 'category' && value.length > 0 && value.every((item) => !Array.isArray(item));
}

/** What a new, unanswered entry of a list holds until it is answered (left out of the saved response). */
function blankOf(field: FieldSpec): FieldValue {
  if (field.type === 'field_set') return {};
  if (field.type === 'category') return [];
  return '';
}

function SingleInput({ field, value, onChange, idPrefix, caption }: FieldInputProps & { idPrefix: string; caption: string }) {
  const id = `field-${idPrefix}${field.id}`;
  if (field.type === 'field_set') {
    const answers = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    return (
      <fieldset className="tw-field tw-field-set" data-field={field.id}>
        <legend>{caption}</legend>
        {field.description && <p className="tw-hint">{field.description}</p>}
        {field.children.map((child) => (
          <FieldInput
            key={child.id}
            field={child}
            value={answers[child.id]}
            idPrefix={`${idPrefix}${field.id}-`}
            onChange={(next) => {
              const updated = { ...answers };
              if (next === undefined) delete updated[child.id];
              else updated[child.id] = next;
              onChange(updated);
            }}
          />
        ))}
      </fieldset>
    );
  }
  if (field.type === 'category') {
    const chosen = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return (
      <fieldset className="tw-field" data-field={field.id}>
        <legend>{caption}</legend>
        {field.description && <p className="tw-hint">{field.description}</p>}
        {field.choices.map((choice) => (
          <label key={String(choice.value)}>
            <input
              type={field.multiple ? 'checkbox' : 'radio'}
              name={id}
              checked={chosen.includes(choice.value)}
              onChange={(event) => {
                if (!field.multiple) return onChange([choice.value]);
                const next = event.target.checked ? [...chosen, choice.value] : chosen.filter((item) => item !== choice.value);
                onChange(next as FieldValue);
              }}
            />
            {labelCaption(choice)}
          </label>
        ))}
      </fieldset>
    );
  }
  if (field.type === 'boolean') {
    return (
      <fieldset className="tw-field" data-field={field.id}>
        <legend>{caption}</legend>
        {field.description && <p className="tw-hint">{field.description}</p>}
        {[true, false].map((answer) => (
          <label key={String(answer)}>
            <input type="radio" name={id} checked={value === answer} onChange={() => onChange(answer)} />
            {answer ? 'Yes' : 'No'}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div className="tw-field" data-field={field.id}>
      <label htmlFor={id}>{caption}</label>
      {field.description && <p className="tw-hint">{field.description}</p>}
      {field.type === 'number' ? (
        <input
          id={id}
          type="number"
          min={field.min}
          max={field.max}
          value={typeof value === 'number' ? value : ''}
          onChange={(event) => onChange(Number.isFinite(event.target.valueAsNumber) ? event.target.valueAsNumber : undefined)}
        />
      ) : field.type === 'datetime' ? (
        <input id={id} type="datetime-local" value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <textarea
          id={id}
          rows={2}
          maxLength={field.maxCharacters}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </div>
  );
}
