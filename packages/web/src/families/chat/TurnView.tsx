import { memo, useCallback, useMemo, useState } from 'react';
import type { AnnotationQuestion, ChatAnnotation, ChatMessage, ChatTurn } from '@tagwright/formats';
import { streamingKey, type AnnotationTarget, type ChatStore, type Streaming } from './chat-store.ts';
import { QuestionWidget } from './QuestionWidget.tsx';

export interface TurnViewProps {
  store: ChatStore;
  turn: ChatTurn;
  index: number;
  /** Streaming state of this turn's answers, by message index (a new object only when it changed). */
  streaming: ReadonlyMap<number, Streaming>;
  onRegenerate?: (turn: number, message: number, endpoint: string) => void;
}

const asked = (questions: AnnotationQuestion[], scope: 'turn' | 'message', role?: string) =>
  questions.filter((question) => question.scope === scope && (scope !== 'message' || (question.roles ?? ['assistant']).includes(role as never)));

/**
 * One turn: its messages (answers editable, regenerable, removable), the turn's questions (rankings
 * compare its answers) and its rubric. Memoised: an edit elsewhere in the thread does not re-render it.
 */
export const TurnView = memo(function TurnView({ store, turn, index, streaming, onRegenerate }: TurnViewProps) {
  // Kept while the answers' names stay the same, so a rating elsewhere in the turn does not redraw the ranking.
  const sourceKey = turn.messages.filter((message) => message.role === 'assistant').map((message) => message.source_id).join('\n');
  const sources = useMemo(() => (sourceKey ? sourceKey.split('\n') : []), [sourceKey]);
  const criteria = turn.rubrics?.[0]?.criteria_definitions ?? NO_CRITERIA;
  return (
    <section className="tw-chat-turn" aria-label={`Turn ${index + 1}`} data-turn={index}>
      <h3>Turn {index + 1}</h3>
      {turn.messages.map((message, position) => (
        <MessageView
          key={position}
          store={store}
          message={message}
          turnIndex={index}
          index={position}
          streaming={streaming.get(position)}
          criteria={criteria}
          onRegenerate={onRegenerate}
        />
      ))}
      {asked(store.questions, 'turn').map((question) => (
        <Question key={question.key} store={store} question={question} turn={index} answer={turn.annotations?.find((annotation) => annotation.key === question.key)} choices={sources} />
      ))}
      {store.rubric?.authoring && <CriterionForm onAdd={(text, weight) => store.addCriterion(index, text, weight)} />}
    </section>
  );
});

const NO_CRITERIA: Criterion[] = [];
type Criterion = { id?: string; criterion: string; weight?: number };

/** A question at a turn or message, with an answer callback that keeps its identity, so the memoised widget redraws only when its own answer changes. */
function Question({ store, question, turn, message, answer, choices }: { store: ChatStore; question: AnnotationQuestion; turn: number; message?: number; answer: ChatAnnotation | undefined; choices?: string[] }) {
  const onAnswer = useCallback((patch: Partial<ChatAnnotation> | undefined) => store.answer({ turn, message } satisfies AnnotationTarget, question, patch), [store, turn, message, question]);
  return <QuestionWidget question={question} answer={answer} choices={choices} onAnswer={onAnswer} />;
}

/** One message. Memoised: rating one answer redraws that answer, not its neighbours. */
const MessageView = memo(function MessageView({
  store,
  message,
  turnIndex,
  index,
  streaming,
  criteria,
  onRegenerate,
}: {
  store: ChatStore;
  message: ChatMessage;
  turnIndex: number;
  index: number;
  streaming?: Streaming;
  criteria: Criterion[];
  onRegenerate?: (turn: number, message: number, endpoint: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const arriving = streaming !== undefined && !streaming.done;
  const endpoint = streaming?.endpoint;
  const scores = store.rubric?.scores?.length ? store.rubric.scores : [0, 1];
  const evaluation = message.rubric_evaluations?.[0];
  return (
    <article className={`tw-chat-message tw-chat-${message.role}`} data-source={message.source_id} aria-busy={arriving}>
      <header>
        <strong>{message.role}</strong> <span className="tw-hint">{message.source_id}</span>
        {message.role === 'assistant' && !arriving && (
          <span className="tw-chat-message-actions">
            <button type="button" onClick={() => setEditing(!editing)}>
              {editing ? 'Done' : 'Edit'}
            </button>
            {onRegenerate && endpoint && (
              <button type="button" onClick={() => onRegenerate(turnIndex, index, endpoint)}>
                Regenerate
              </button>
            )}
            <button type="button" onClick={() => store.removeMessage(turnIndex, index)}>
              Remove
            </button>
          </span>
        )}
      </header>
      {editing ? (
        <textarea
          className="tw-chat-edit"
          aria-label={`Edit ${message.source_id}`}
          rows={4}
          value={message.content.text ?? ''}
          onChange={(event) => store.editText(turnIndex, index, event.target.value)}
        />
      ) : (
        <p className="tw-chat-text">{message.content.text || (arriving ? '…' : '')}</p>
      )}
      {streaming?.error && (
        <p role="alert" className="tw-error">
          {streaming.error}
        </p>
      )}
      {!arriving &&
        asked(store.questions, 'message', message.role).map((question) => (
          <Question key={question.key} store={store} question={question} turn={turnIndex} message={index} answer={message.annotations?.find((annotation) => annotation.key === question.key)} />
        ))}
      {!arriving && message.role === 'assistant' && criteria.length > 0 && (
        <table className="tw-chat-rubric" aria-label={`Rubric for ${message.source_id}`}>
          <tbody>
            {criteria.map((criterion) => {
              const current = evaluation?.criteria_evaluations.find((entry) => entry.criterion_definition_id === criterion.id)?.score;
              return (
                <tr key={criterion.id}>
                  <td>
                    {criterion.criterion} <span className="tw-hint">×{criterion.weight ?? 1}</span>
                  </td>
                  <td>
                    <select
                      aria-label={`${criterion.criterion} score for ${message.source_id}`}
                      value={current ?? ''}
                      onChange={(event) => store.score(turnIndex, index, criterion.id!, event.target.value === '' ? undefined : Number(event.target.value))}
                    >
                      <option value="">—</option>
                      {scores.map((score) => (
                        <option key={score} value={score}>
                          {score}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
            {evaluation && (
              <tr>
                <td>Total</td>
                <td>
                  {evaluation.total_score} ({evaluation.percentage}%)
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </article>
  );
});

function CriterionForm({ onAdd }: { onAdd: (text: string, weight: number) => void }) {
  const [text, setText] = useState('');
  const [weight, setWeight] = useState(1);
  return (
    <form
      className="tw-chat-criterion"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) onAdd(text.trim(), weight);
        setText('');
      }}
    >
      <input type="text" aria-label="New criterion" placeholder="New rubric criterion" value={text} onChange={(event) => setText(event.target.value)} />
      <input type="number" aria-label="Criterion weight" value={weight} onChange={(event) => setWeight(Number(event.target.value))} />
      <button type="submit">Add criterion</button>
    </form>
  );
}
