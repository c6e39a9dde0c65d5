import { labelCaption } from '../../editor/labels.ts';
import { answersKey, isPlainObject, parseFields, type FieldSpec } from './fields.ts';

/** A field-shaped response read-only: each field's title and answer, FieldSets nested, lists joined. */
export function FieldAnswers({ taskType, params, response }: { taskType: string; params: Record<string, unknown>; response: unknown }) {
  const saved = response && typeof response === 'object' ? (response as Record<string, unknown>)[answersKey(taskType)] : undefined;
  if (!isPlainObject(saved)) return null;
  return <AnswerList fields={parseFields(params.fields)} answers={saved} label="Answers" />;
}

function AnswerList({ fields, answers, label }: { fields: readonly FieldSpec[]; answers: Record<string, unknown>; label?: string }) {
  const known = new Set(fields.map((field) => field.id));
  const rows: Array<{ id: string; title: string; field?: FieldSpec }> = [
    ...fields.map((field) => ({ id: field.id, title: field.title, field })),
    ...Object.keys(answers).filter((id) => !known.has(id)).map((id) => ({ id, title: id })),
  ];
  return (
    <dl className="tw-answers" aria-label={label}>
      {rows.map(({ id, title, field }) => (
        <div key={id} data-field={id}>
          <dt>{title}</dt>
          <dd>
            <Answer field={field} value={answers[id]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Answer({ field, value }: { field?: FieldSpec; value: unknown }) {
  if (value === undefined || value === null || value === '') return <span className="tw-hint">—</span>;
  if (field?.type === 'field_set') {
    const sets = field.repeat && Array.isArray(value) ? value : [value];
    return (
      <>
        {sets.map((set, index) =>
          isPlainObject(set) ? <AnswerList key={index} fields={field.children} answers={set} /> : null,
        )}
      </>
    );
  }
  return <>{display(field, value)}</>;
}

function display(field: FieldSpec | undefined, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => display(field, item)).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (field?.type === 'category') {
    const choice = field.choices.find((option) => option.value === value);
    if (choice) return labelCaption(choice);
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
