import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ModelEndpointInfo } from '../../api/types.ts';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { ChatStore } from './chat-store.ts';
import { QuestionWidget } from './QuestionWidget.tsx';
import { TurnList } from './TurnList.tsx';
import { Composer } from './Composer.tsx';
import { ChatFilePreviewContext, ChatFilesContext, fileIdOfUrl, type ChatFilePreview, type ChatFileUploader } from './chat-files.ts';

/**
 * The chat editor (docs/chat.md): template variables, the conversation by turn, the labeler's next
 * message (Ctrl+Enter sends it), one answer per model endpoint streamed in as it is produced
 * (regenerate, edit, remove; or answers written by hand when the project has no model), and the
 * project's questions on the thread, each turn and each message. Checked with the server's own
 * code before submit.
 */
export function ChatEditor({ task, initialResponse, initialIsDraft, onReady, onChange, work }: TaskEditorProps) {
  const store = useMemo(() => new ChatStore(task.params, initialResponse, initialIsDraft), [task.task_id]);
  // The editor reads only the turn count and the thread's own answers: an edit inside a turn
  // re-renders that turn (TurnList), not the editor and its list of every turn.
  const turnCount = useSyncExternalStore(store.subscribe, () => store.getState().thread.turns.length);
  const threadAnswers = useSyncExternalStore(store.subscribe, () => store.getState().thread.annotations);
  const [endpoints, setEndpoints] = useState<ModelEndpointInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Autosave sends the changed turns, not the thread (docs/chat.md, drafts).
    onReady({ getResponse: () => store.response(), validate: () => store.problems(), draftPatch: () => store.draftPatch() });
  }, [store, onReady]);
  useEffect(() => {
    // Each edit of the conversation (not a streaming flag alone) tells the task view, which schedules the autosave.
    let last = store.getState().thread;
    return store.subscribe(() => {
      const thread = store.getState().thread;
      if (thread === last) return;
      last = thread;
      onChange();
    });
  }, [store, onChange]);
  useEffect(() => {
    if (!work) return;
    work.api.modelEndpoints(task.task_id).then(setEndpoints, (caught: Error) => setError(caught.message));
  }, [work, task.task_id]);

  const perTurn = typeof task.params.answers_per_turn === 'number' ? task.params.answers_per_turn : endpoints.length;
  const answering = useMemo(() => endpoints.slice(0, Math.max(1, perTurn)), [endpoints, perTurn]);
  // The message box keeps the same props across the editor's re-renders (a turn added, the thread's
  // answers), so it is redrawn only when what it shows changes.
  const answeringNames = useMemo(() => answering.map((endpoint) => endpoint.name), [answering]);

  const ask = async (turn: number, message: number, endpoint: string) => {
    if (!work) return;
    try {
      const summary = await work.api.generate(task.task_id, { lease_id: work.leaseId, endpoint, messages: store.historyFor(turn) }, (text) => store.appendToken(turn, message, text));
      store.finishAnswer(turn, message, summary);
    } catch (caught) {
      store.markStreaming(turn, message, { endpoint, done: true, error: (caught as Error).message });
    }
  };

  // One function for the editor's life, so memoised turns are not re-rendered because it changed.
  const latestAsk = useRef(ask);
  latestAsk.current = ask;
  const latestAnswering = useRef(answering);
  latestAnswering.current = answering;
  const send = useCallback(
    (text: string) => {
      const turn = store.addUserTurn(text);
      for (const endpoint of latestAnswering.current) void latestAsk.current(turn, store.addAnswer(turn, endpoint.name, endpoint.name), endpoint.name);
    },
    [store],
  );
  const regenerate = useCallback(
    (turn: number, message: number, endpoint: string) => {
      store.resetAnswer(turn, message, endpoint);
      void latestAsk.current(turn, message, endpoint);
    },
    [store],
  );
  const writeAnswer = useCallback(() => {
    const turns = store.getState().thread.turns;
    if (turns.length === 0) return;
    const turn = turns.length - 1;
    const written = turns[turn].messages.filter((message) => message.source_id.startsWith('writer_')).length;
    store.addAnswer(turn, `writer_${written + 1}`);
  }, [store]);

  // File questions upload under the task's lease (FileAnswer.tsx); one function per lease.
  const uploader = useMemo<ChatFileUploader | undefined>(
    () => (work ? (key, file, onProgress) => work.api.uploadChatFile(task.task_id, work.leaseId, key, file, onProgress) : undefined),
    [work?.api, work?.leaseId, task.task_id],
  );
  const preview = useMemo<ChatFilePreview | undefined>(
    () => (work ? (url) => { const id = fileIdOfUrl(url); return id ? work.api.chatFilePreviewUrl(task.task_id, work.leaseId, id) : undefined; } : undefined),
    [work?.api, work?.leaseId, task.task_id],
  );

  const variables = typeof task.params.template_variables === 'object' && task.params.template_variables !== null ? Object.entries(task.params.template_variables as Record<string, unknown>) : [];

  return (
    <ChatFilesContext.Provider value={uploader}>
      <ChatFilePreviewContext.Provider value={preview}>
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
          <TurnList store={store} count={turnCount} onRegenerate={work ? regenerate : undefined} />
          <Composer id={`compose-${task.task_id}`} answering={answeringNames} canWriteAnswer={turnCount > 0} onSend={send} onWriteAnswer={writeAnswer} />
          {store.questions
            .filter((question) => question.scope === 'thread')
            .map((question) => (
              <QuestionWidget
                key={question.key}
                question={question}
                answer={threadAnswers?.find((annotation) => annotation.key === question.key)}
                onAnswer={(patch) => store.answer({}, question, patch)}
              />
            ))}
        </div>
      </ChatFilePreviewContext.Provider>
    </ChatFilesContext.Provider>
  );
}
