import type { FieldSpec, FieldValue } from './fields.ts';

/** One form question as the control its type calls for. */
export function FieldInput({
  field,
  value,
  onChange,
}: {
  field: FieldSpec;
  value: FieldValue | undefined;
  onChange: (value: FieldValue | undefined) => void;
}) {
  const caption = `${field.title}${field.required ? ' *' : ''}`;
  if (field.type === 'category') {
    const chosen = Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
    return (
      <fieldset className="tw-field" data-field={field.id}>
        <legend>{caption}</legend>
        {field.description && <p className="tw-hint">{field.description}</p>}
        {field.choices.map((choice) => (
          <label key={choice.value}>
            <input
              type={field.multiple ? 'checkbox' : 'radio'}
              name={`field-${field.id}`}
              checked={chosen.includes(choice.value)}
              onChange={(event) => {
                if (!field.multiple) return onChange(choice.value);
                const next = event.target.checked ? [...chosen, choice.value] : chosen.filter((item) => item !== choice.value);
                onChange(next);
              }}
            />
            {choice.display}
          </label>
        ))}
      </fieldset>
    );
  }
  const id = `field-${field.id}`;
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
