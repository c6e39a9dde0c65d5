import { memo, useId, type KeyboardEvent } from 'react';
import type { AnnotationQuestion, AnswerFile, ChatAnnotation } from '@tagwright/formats';
import { FileAnswer } from './FileAnswer.tsx';

export interface QuestionWidgetProps {
  question: AnnotationQuestion;
  answer: ChatAnnotation | undefined;
  /** The turn's answer source_ids, for rankings. */
  choices?: string[];
  onAnswer: (patch: Partial<ChatAnnotation> | undefined) => void;
}

const label = (question: AnnotationQuestion) => question.title ?? question.key;

/**
 * One annotation question, drawn by its type (task-types.md §7.5): integer as a labelled scale,
 * boolean toggle, text box, category radios, category_multiple checkboxes, ranked_choices and
 * ranked_groups as ordered lists (Alt+↑/↓ moves the focused entry), labeled_text rows, file uploads,
 * rubric_criteria weight, rubric_rating score/colour/justification; "not applicable", "cannot
 * assess" and justification where the question allows them.
 */
export const QuestionWidget = memo(function QuestionWidget({ question, answer, choices = [], onAnswer }: QuestionWidgetProps) {
  const value = answer?.value;
  const set = (next: unknown) => onAnswer({ value: next as ChatAnnotation['value'] });
  // One radio group per widget: a name shared by every message's widget made one group of the whole
  // page (checking one answer's rating unchecked the others', and React then re-synced each of them).
  const id = useId();
  return (
    <fieldset className="tw-chat-question" data-question={question.key}>
      <legend>
        {label(question)}
        {question.required !== false && <span aria-hidden="true"> *</span>}
      </legend>
      {question.description && <p className="tw-hint">{question.description}</p>}
      <ValueInput question={question} value={value} choices={choices} set={set} id={id} />
      {(question.allow_not_applicable || question.allow_cannot_assess) && (
        <span className="tw-chat-flags">
          {question.allow_not_applicable && (
            <label>
              <input type="checkbox" checked={answer?.not_applicable === true} onChange={(event) => onAnswer({ not_applicable: event.target.checked })} /> Not applicable
            </label>
          )}
          {question.allow_cannot_assess && (
            <label>
              <input type="checkbox" checked={answer?.cannot_assess === true} onChange={(event) => onAnswer({ cannot_assess: event.target.checked })} /> Cannot assess
            </label>
          )}
        </span>
      )}
      {question.justification && (
        <label className="tw-chat-justification">
          Justification{question.justification === 'required' ? ' *' : ''}
          <textarea rows={2} value={answer?.justification ?? ''} onChange={(event) => onAnswer({ justification: event.target.value })} />
        </label>
      )}
    </fieldset>
  );
});

function ValueInput({ question, value, choices, set, id }: { question: AnnotationQuestion; value: unknown; choices: string[]; set: (value: unknown) => void; id: string }) {
  const possible = question.possible_values ?? [];
  const labelOf = (index: number) => question.labels?.[index] ?? String(possible[index]);
  switch (question.type) {
    case 'integer':
      if (possible.length > 0) {
        return (
          <span className="tw-chat-scale" role="radiogroup" aria-label={label(question)}>
            {possible.map((option, index) => (
              <label key={String(option)}>
                <input type="radio" name={id} checked={value === option} onChange={() => set(option)} /> {String(option)} {question.labels?.[index] ? `· ${question.labels[index]}` : ''}
              </label>
            ))}
          </span>
        );
      }
      return <input type="number" step={1} aria-label={label(question)} value={typeof value === 'number' ? value : ''} onChange={(event) => set(event.target.value === '' ? null : Math.round(Number(event.target.value)))} />;
    case 'boolean':
      return (
        <label>
          <input type="checkbox" aria-label={label(question)} checked={value === true} onChange={(event) => set(event.target.checked)} /> Yes
        </label>
      );
    case 'text':
      return <textarea rows={2} aria-label={label(question)} value={typeof value === 'string' ? value : ''} onChange={(event) => set(event.target.value)} />;
    case 'category':
      return (
        <span role="radiogroup" aria-label={label(question)}>
          {possible.map((option, index) => (
            <label key={String(option)}>
              <input type="radio" name={id} checked={value === option} onChange={() => set(option)} /> {labelOf(index)}
            </label>
          ))}
        </span>
      );
    case 'category_multiple': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <span aria-label={label(question)}>
          {possible.map((option, index) => (
            <label key={String(option)}>
              <input
                type="checkbox"
                checked={chosen.includes(option as string)}
                onChange={(event) => set(event.target.checked ? [...chosen, option] : chosen.filter((entry) => entry !== option))}
              />{' '}
              {labelOf(index)}
            </label>
          ))}
        </span>
      );
    }
    case 'ranked_choices':
      return <RankedList ranked={rankedOf(value, choices)} onChange={set} name={label(question)} />;
    case 'ranked_groups':
      return <RankedGroups groups={groupsOf(value, choices)} onChange={set} name={label(question)} />;
    case 'labeled_text':
      return <PairRows rows={Array.isArray(value) ? (value as Array<{ label: string; text: string }>) : []} keys={['label', 'text']} onChange={set} name={label(question)} />;
    case 'file':
      // The spec's BasicFile list (task-types.md §7.3), filled by uploads to this server (FileAnswer.tsx).
      return <FileAnswer question={question} files={Array.isArray(value) ? (value as AnswerFile[]) : []} onChange={(files) => set(files.length > 0 ? files : null)} />;
    case 'rubric_criteria': {
      const current = isObject(value) ? value : {};
      return (
        <label>
          Weight <input type="number" aria-label={`${label(question)} weight`} value={typeof current.weight === 'number' ? current.weight : ''} onChange={(event) => set({ ...current, weight: Number(event.target.value) })} />
        </label>
      );
    }
    case 'rubric_rating': {
      const current = isObject(value) ? value : {};
      return (
        <span className="tw-chat-rating">
          <label>
            Score <input type="number" aria-label={`${label(question)} score`} value={typeof current.score === 'number' ? current.score : ''} onChange={(event) => set({ ...current, score: Number(event.target.value) })} />
          </label>
          <label>
            Colour{' '}
            <select value={typeof current.color === 'string' ? current.color : ''} onChange={(event) => set({ ...current, color: event.target.value })}>
              <option value="">—</option>
              <option value="green">green</option>
              <option value="yellow">yellow</option>
              <option value="red">red</option>
            </select>
          </label>
          <label>
            Why <input type="text" value={typeof current.justification === 'string' ? current.justification : ''} onChange={(event) => set({ ...current, justification: event.target.value })} />
          </label>
        </span>
      );
    }
    default:
      return <p className="tw-hint">This question type cannot be answered here.</p>;
  }
}

/** The saved ranking, with answers it does not name yet appended (in turn order). */
function rankedOf(value: unknown, choices: string[]): string[] {
  const saved = Array.isArray(value) ? (value as string[]).filter((entry) => choices.includes(entry)) : [];
  return [...saved, ...choices.filter((choice) => !saved.includes(choice))];
}

function groupsOf(value: unknown, choices: string[]): string[][] {
  const saved = Array.isArray(value) ? (value as string[][]).map((group) => group.filter((entry) => choices.includes(entry))).filter((group) => group.length > 0) : [];
  const placed = saved.flat();
  return [...saved, ...choices.filter((choice) => !placed.includes(choice)).map((choice) => [choice])];
}

function RankedList({ ranked, onChange, name }: { ranked: string[]; onChange: (value: string[]) => void; name: string }) {
  const move = (index: number, by: number) => {
    const target = index + by;
    if (target < 0 || target >= ranked.length) return;
    const next = ranked.slice();
    [next[index], next[target]] = [next[target], next[index]];
    onChange(next);
  };
  const keys = (index: number) => (event: KeyboardEvent) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    move(index, event.key === 'ArrowUp' ? -1 : 1);
  };
  return (
    <ol className="tw-chat-ranking" aria-label={name}>
      {ranked.map((choice, index) => (
        <li key={choice} tabIndex={0} onKeyDown={keys(index)} data-choice={choice}>
          <span>{choice}</span>
          <button type="button" aria-label={`Move ${choice} up`} disabled={index === 0} onClick={() => move(index, -1)}>
            ↑
          </button>
          <button type="button" aria-label={`Move ${choice} down`} disabled={index === ranked.length - 1} onClick={() => move(index, 1)}>
            ↓
          </button>
        </li>
      ))}
      <li className="tw-hint">
        <button type="button" onClick={() => onChange(ranked)}>
          Confirm this order
        </button>
      </li>
    </ol>
  );
}

function RankedGroups({ groups, onChange, name }: { groups: string[][]; onChange: (value: string[][]) => void; name: string }) {
  const entries = groups.flatMap((group, rank) => group.map((choice) => ({ choice, rank })));
  const setRank = (choice: string, rank: number) => {
    const next: string[][] = [];
    for (const entry of entries) {
      const at = entry.choice === choice ? rank : entry.rank;
      (next[at] ??= []).push(entry.choice);
    }
    onChange(next.filter((group) => group && group.length > 0));
  };
  return (
    <ul className="tw-chat-groups" aria-label={name}>
      {entries.map(({ choice, rank }) => (
        <li key={choice}>
          {choice}{' '}
          <label>
            rank{' '}
            <select value={rank} onChange={(event) => setRank(choice, Number(event.target.value))}>
              {entries.map((_, index) => (
                <option key={index} value={index}>
                  {index + 1}
                </option>
              ))}
            </select>
          </label>
        </li>
      ))}
    </ul>
  );
}

function PairRows<K extends string>({ rows, keys, onChange, name }: { rows: Array<Record<K, string>>; keys: K[]; onChange: (rows: Array<Record<K, string>>) => void; name: string }) {
  const update = (index: number, key: K, text: string) => onChange(rows.map((row, at) => (at === index ? { ...row, [key]: text } : row)));
  return (
    <div className="tw-chat-pairs" aria-label={name}>
      {rows.map((row, index) => (
        <span key={index}>
          {keys.map((key) => (
            <input key={key} type="text" placeholder={key} aria-label={`${name} ${key} ${index + 1}`} value={row[key] ?? ''} onChange={(event) => update(index, key, event.target.value)} />
          ))}
          <button type="button" onClick={() => onChange(rows.filter((_, at) => at !== index))}>
            Remove
          </button>
        </span>
      ))}
      <button type="button" onClick={() => onChange([...rows, Object.fromEntries(keys.map((key) => [key, ''])) as Record<K, string>])}>
        Add
      </button>
    </div>
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
