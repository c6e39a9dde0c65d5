import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ModelEndpointInfo } from '../../api/types.ts';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { ChatStore, type Streaming } from './chat-store.ts';
import { QuestionWidget } from './QuestionWidget.tsx';
import { streamingOfTurn } from './TurnView.tsx';
import { TurnList } from './TurnList.tsx';
import { Composer } from './Composer.tsx';
import { ChatFilesContext, type ChatFileUploader } from './chat-files.ts';

/**
 * The chat editor (docs/chat.md): template variables, the conversation by turn, the labeler's next
 * message (Ctrl+Enter sends it), one answer per model endpoint streamed in as it is produced
 * (regenerate, edit, remove; or answers written by hand when the project has no model), and the
 * project's questions on the thread, each turn and each message. Checked with the server's own
 * code before submit.
 */
export function ChatEditor({ task, initialResponse, initialIsDraft, onReady, onChange, work }: TaskEditorProps) {
  const store = useMemo(() => new ChatStore(task.params, initialResponse, initialIsDraft), [task.task_id]);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [endpoints, setEndpoints] = useState<ModelEndpointInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const first = useRef(true);

  useEffect(() => {
    // Autosave sends the changed turns, not the thread (docs/chat.md, drafts).
    onReady({ getResponse: () => store.response(), validate: () => store.problems(), draftPatch: () => store.draftPatch() });
  }, [store, onReady]);
  useEffect(() => {
    if (first.current) first.current = false;
    else onChange();
  }, [state.thread, onChange]);
  useEffect(() => {
    if (!work) return;
    work.api.modelEndpoints(task.task_id).then(setEndpoints, (caught: Error) => setError(caught.message));
  }, [work, task.task_id]);

  const perTurn = typeof task.params.answers_per_turn === 'number' ? task.params.answers_per_turn : endpoints.length;
  const answering = endpoints.slice(0, Math.max(1, perTurn));

  const ask = async (turn: number, message: number, endpoint: string) => {
    if (!work) return;
    try {
      const summary = await work.api.generate(task.task_id, { lease_id: work.leaseId, endpoint, messages: store.historyFor(turn) }, (text) => store.appendToken(turn, message, text));
      store.finishAnswer(turn, message, summary);
    } catch (caught) {
      store.markStreaming(turn, message, { endpoint, done: true, error: (caught as Error).message });
    }
  };

  const send = (text: string) => {
    const turn = store.addUserTurn(text);
    for (const endpoint of answering) void ask(turn, store.addAnswer(turn, endpoint.name, endpoint.name), endpoint.name);
  };
  // One function for the editor's life, so memoised turns are not re-rendered because it changed.
  const latestAsk = useRef(ask);
  latestAsk.current = ask;
  const regenerate = useCallback(
    (turn: number, message: number, endpoint: string) => {
      store.resetAnswer(turn, message, endpoint);
      void latestAsk.current(turn, message, endpoint);
    },
    [store],
  );
  const writeAnswer = () => {
    const turns = store.getState().thread.turns;
    if (turns.length === 0) return;
    const turn = turns.length - 1;
    const written = turns[turn].messages.filter((message) => message.source_id.startsWith('writer_')).length;
    store.addAnswer(turn, `writer_${written + 1}`);
  };

  // File questions upload under the task's lease (FileAnswer.tsx); one function per lease.
  const uploader = useMemo<ChatFileUploader | undefined>(
    () => (work ? (key, file, onProgress) => work.api.uploadChatFile(task.task_id, work.leaseId, key, file, onProgress) : undefined),
    [work?.api, work?.leaseId, task.task_id],
  );

  const turns = state.thread.turns;
  const variables = typeof task.params.template_variables === 'object' && task.params.template_variables !== null ? Object.entries(task.params.template_variables as Record<string, unknown>) : [];
  const streamingByTurn = useStreamingByTurn(state.streaming, turns.map((turn) => turn.messages.length));

  return (
    <ChatFilesContext.Provider value={uploader}>
      <div className="tw-chat" aria-label="Conversation">
        {variables.length > 0 && (
          <dl className="tw-chat-variables" aria-label="Template variables">
            {variables.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        )}
        {error && (
          <p role="alert" className="tw-error">
            {error}
          </p>
        )}
        <TurnList store={store} turns={turns} streamingByTurn={streamingByTurn} onRegenerate={work ? regenerate : undefined} />
        <Composer id={`compose-${task.task_id}`} answering={answering.map((endpoint) => endpoint.name)} canWriteAnswer={turns.length > 0} onSend={send} onWriteAnswer={writeAnswer} />
        {store.questions
          .filter((question) => question.scope === 'thread')
          .map((question) => (
            <QuestionWidget
              key={question.key}
              question={question}
              answer={state.thread.annotations?.find((annotation) => annotation.key === question.key)}
              onAnswer={(patch) => store.answer({}, question, patch)}
            />
          ))}
      </div>
    </ChatFilesContext.Provider>
  );
}

/**
 * Per-turn streaming maps that keep their identity while nothing of that turn streams, so memoised
 * turns are not re-rendered by another turn's tokens.
 */
function useStreamingByTurn(all: ReadonlyMap<string, Streaming>, counts: number[]): ReadonlyMap<number, Streaming>[] {
  const cache = useRef<{ source?: ReadonlyMap<string, Streaming>; maps: Map<number, Streaming>[] }>({ maps: [] });
  const empty = useRef(new Map<number, Streaming>()).current;
  if (cache.current.source !== all) {
    const previous = cache.current.maps;
    cache.current = {
      source: all,
      maps: counts.map((count, turn) => {
        const next = streamingOfTurn(all, turn, count);
        const before = previous[turn];
        if (next.size === 0) return empty;
        if (before && before.size === next.size && [...next].every(([key, value]) => before.get(key) === value)) return before;
        return next;
      }),
    };
  }
  return counts.map((_, turn) => cache.current.maps[turn] ?? empty);
}
