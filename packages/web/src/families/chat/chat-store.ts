import {
  checkChatResponse, problemsOf, promptBefore, seedTurns, type TrainingMessage,
  type AnnotationQuestion, type ChatAnnotation, type ChatMessage, type ChatResponse, type ChatThread, type ChatTurn, type Rubric, type RubricConfig,
} from '@tagwright/formats';

type Json = Record<string, unknown>;

/** Where an annotation sits: the thread, a turn, or one message of a turn. */
export interface AnnotationTarget {
  turn?: number;
  message?: number;
}

/** A model answer being produced, by `turn:message`. */
export interface Streaming {
  endpoint: string;
  error?: string;
  done: boolean;
}

export interface ChatState {
  thread: ChatThread;
  streaming: ReadonlyMap<string, Streaming>;
}

export const streamingKey = (turn: number, message: number) => `${turn}:${message}`;

/** Where the editor's parts sit in the `{threads}` draft (docs/chat.md, drafts). */
const THREAD_PATH = '/threads/0';
const ANNOTATIONS_PATH = `${THREAD_PATH}/annotations`;
const turnPath = (index: number) => `${THREAD_PATH}/turns/${index}`;

/** A draft part to save: a path and the revision of its last edit (its value is read when saved). */
export interface DraftPartRef {
  path: string;
  revision: number;
}

/**
 * The chat editor's state without React (docs/chat.md): one thread of turns, edited by small
 * commands that replace only the turn they touch, so a view that memoises turns re-renders one turn
 * per edit even in a thread of hundreds. Produces the `{threads}` response the server checks, and
 * checks it first with the same code (@tagwright/formats).
 */
export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  /** Listeners of one turn (its view), told only when that turn or its streaming changes. */
  private readonly turnListeners = new Map<number, Set<() => void>>();
  /** Streaming entries by turn, then message index; a turn's map is replaced only when that turn's entries change. */
  private readonly streamingByTurn = new Map<number, ReadonlyMap<number, Streaming>>();
  /** Parts edited since the last saved draft: path → revision of the last edit. */
  private readonly unsaved = new Map<string, number>();
  private lastRevision = 0;
  readonly questions: AnnotationQuestion[];
  readonly rubric: RubricConfig | undefined;

  /** `initialIsDraft`: `initial` is the server's draft, so only later edits need saving; otherwise the first save sends the whole thread. */
  constructor(
    readonly params: Json,
    initial?: unknown,
    initialIsDraft = false,
  ) {
    this.questions = Array.isArray(params.annotations) ? (params.annotations as AnnotationQuestion[]) : [];
    this.rubric = isObject(params.rubric) ? (params.rubric as RubricConfig) : undefined;
    const saved = isObject(initial) && Array.isArray(initial.threads) && isObject(initial.threads[0]) ? (initial.threads[0] as unknown as ChatThread) : undefined;
    // A draft saved by the part can have gaps (null) where a turn was never saved: they become empty
    // turns, so every turn keeps the index its parts are saved under.
    const thread: ChatThread = saved
      ? { ...saved, turns: (saved.turns ?? []).map((turn) => (isObject(turn) ? turn : { messages: [], annotations: [] })), annotations: saved.annotations ?? [] }
      : { turns: seedTurns(params).map((turn) => this.withRubric(turn)), annotations: [] };
    this.state = { thread, streaming: new Map() };
    if (!(saved && initialIsDraft)) this.touch(THREAD_PATH);
  }

  /** Marks a part edited now. Revisions are the edit's time in ms, kept increasing when the clock is not. */
  private touch(path: string): void {
    this.lastRevision = Math.max(Date.now(), this.lastRevision + 1);
    this.unsaved.set(path, this.lastRevision);
  }

  /**
   * The parts edited since the last save, with their values now, to save by the part
   * (docs/chat.md, drafts): the turns an edit touched and the thread's own answers, or the whole
   * thread once when the server has no draft of it yet. `saved()` forgets what was sent, unless it
   * was edited again meanwhile.
   */
  draftPatch(): { parts: Array<DraftPartRef & { value: unknown }>; saved(): void } {
    const sent = [...this.unsaved].map(([path, revision]) => ({ path, revision }));
    const thread = this.state.thread;
    const valueAt = (path: string): unknown => {
      if (path === THREAD_PATH) return thread;
      if (path === ANNOTATIONS_PATH) return thread.annotations ?? [];
      return thread.turns[Number(path.slice(path.lastIndexOf('/') + 1))] ?? null;
    };
    return {
      parts: sent.map((part) => ({ ...part, value: valueAt(part.path) })),
      saved: () => {
        for (const part of sent) if (this.unsaved.get(part.path) === part.revision) this.unsaved.delete(part.path);
      },
    };
  }

  getState = (): ChatState => this.state;

  /** Told of every change; a view that reads only part of the state compares its part (useSyncExternalStore does). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Told only of changes to turn `index` (its messages, answers, streaming): a keystroke in one
   * answer of a 300-turn thread wakes that turn's view alone, not a list of 300 (docs/chat.md).
   */
  subscribeTurn(index: number, listener: () => void): () => void {
    let listeners = this.turnListeners.get(index);
    if (!listeners) this.turnListeners.set(index, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.turnListeners.delete(index);
    };
  }

  /** Turn `index` as it is now (the same object until an edit touches it). */
  turnAt(index: number): ChatTurn | undefined {
    return this.state.thread.turns[index];
  }

  /** Streaming state of turn `index`'s answers by message index (the same object until one of them changes). */
  streamingOf(index: number): ReadonlyMap<number, Streaming> {
    return this.streamingByTurn.get(index) ?? NOT_STREAMING;
  }

  /** `turn`: the one turn the change touched, whose listeners are told too. */
  private set(thread: ChatThread, streaming: ReadonlyMap<string, Streaming> = this.state.streaming, turn?: number): void {
    this.state = { thread, streaming };
    if (turn !== undefined) for (const listener of this.turnListeners.get(turn) ?? []) listener();
    for (const listener of this.listeners) listener();
  }

  private updateTurn(index: number, change: (turn: ChatTurn) => ChatTurn): void {
    const turns = this.state.thread.turns.slice();
    turns[index] = change(turns[index]);
    this.touch(turnPath(index));
    this.set({ ...this.state.thread, turns }, this.state.streaming, index);
  }

  private updateMessage(turnIndex: number, messageIndex: number, change: (message: ChatMessage) => ChatMessage): void {
    this.updateTurn(turnIndex, (turn) => {
      const messages = turn.messages.slice();
      messages[messageIndex] = change(messages[messageIndex]);
      return { ...turn, messages };
    });
  }

  /** A new turn carries the project's rubric criteria (ids c1, c2, …, renamed by the server on submit). */
  private withRubric(turn: ChatTurn): ChatTurn {
    if (!this.rubric || turn.rubrics) return turn;
    const rubric: Rubric = {
      criteria_definitions: (this.rubric.criteria ?? []).map((criterion, index) => ({ id: criterion.id ?? `c${index + 1}`, criterion: criterion.criterion, weight: criterion.weight ?? 1, annotations: [] })),
    };
    if (this.rubric.max_total_score !== undefined) rubric.max_total_score = this.rubric.max_total_score;
    return { ...turn, rubrics: [rubric] };
  }

  /** The labeler's message: it opens a new turn, or completes a seeded turn that has no user message yet. Answers its turn index. */
  addUserTurn(text: string): number {
    const message: ChatMessage = { role: 'user', source_id: 'user', content: { text }, annotations: [] };
    const turns = this.state.thread.turns;
    const last = turns.at(-1);
    if (last && !last.messages.some((entry) => entry.role === 'user' || entry.role === 'assistant')) {
      this.updateTurn(turns.length - 1, (turn) => ({ ...turn, messages: [...turn.messages, message] }));
      return turns.length - 1;
    }
    this.touch(turnPath(turns.length));
    this.set({ ...this.state.thread, turns: [...turns, this.withRubric({ messages: [message], annotations: [] })] });
    return turns.length;
  }

  /** Adds an (empty) assistant message to a turn and answers its index. */
  addAnswer(turnIndex: number, sourceId: string, streamingFrom?: string): number {
    const index = this.state.thread.turns[turnIndex].messages.length;
    this.updateTurn(turnIndex, (turn) => ({ ...turn, messages: [...turn.messages, { role: 'assistant', source_id: sourceId, content: { text: '' }, annotations: [] }] }));
    if (streamingFrom) this.markStreaming(turnIndex, index, { endpoint: streamingFrom, done: false });
    return index;
  }

  markStreaming(turnIndex: number, messageIndex: number, streaming: Streaming): void {
    const map = new Map(this.state.streaming);
    map.set(streamingKey(turnIndex, messageIndex), streaming);
    const ofTurn = new Map(this.streamingByTurn.get(turnIndex));
    ofTurn.set(messageIndex, streaming);
    this.streamingByTurn.set(turnIndex, ofTurn);
    this.set(this.state.thread, map, turnIndex);
  }

  /** A piece of a model answer arriving. */
  appendToken(turnIndex: number, messageIndex: number, text: string): void {
    this.updateMessage(turnIndex, messageIndex, (message) => ({ ...message, content: { ...message.content, text: (message.content.text ?? '') + text } }));
  }

  /** The model answer is complete: it names its generation so the server can record which model wrote it. */
  finishAnswer(turnIndex: number, messageIndex: number, summary: { generation_id: string; source_id: string; text: string; ok: boolean; error?: string; model_parameters: Json }): void {
    this.updateMessage(turnIndex, messageIndex, (message) => {
      const next: ChatMessage = { ...message, source_id: summary.source_id, content: { ...message.content, text: summary.text } };
      if (summary.ok) {
        next.generation_id = summary.generation_id;
        next.model_parameters = summary.model_parameters as ChatMessage['model_parameters'];
      }
      return next;
    });
    this.markStreaming(turnIndex, messageIndex, { endpoint: summary.source_id, done: true, error: summary.ok ? undefined : summary.error });
  }

  /** Regenerate: the answer starts over (a new generation replaces it). */
  resetAnswer(turnIndex: number, messageIndex: number, endpoint: string): void {
    this.updateMessage(turnIndex, messageIndex, (message) => {
      const { generation_id: _generation, model_parameters: _parameters, ...rest } = message;
      return { ...rest, source_id: endpoint, content: { ...rest.content, text: '' } };
    });
    this.markStreaming(turnIndex, messageIndex, { endpoint, done: false });
  }

  /**
   * Edit or rewrite a message. An edited model answer is the labeler's: it loses its generation and
   * model parameters and becomes `<source>:edited` (docs/chat.md), which rankings then name.
   */
  editText(turnIndex: number, messageIndex: number, text: string): void {
    const before = this.state.thread.turns[turnIndex].messages[messageIndex];
    // A model's answer: one just generated (generation_id), or a stored one a reviewer is fixing (model_parameters).
    const fromModel = Boolean(before.generation_id || before.model_parameters) && !before.source_id.endsWith(':edited');
    const renamed = fromModel ? `${before.source_id}:edited` : before.source_id;
    this.updateMessage(turnIndex, messageIndex, (message) => {
      const { generation_id: _generation, model_parameters: _parameters, ...rest } = message;
      return { ...rest, source_id: renamed, content: { ...rest.content, text } };
    });
    if (renamed !== before.source_id) this.renameInRankings(turnIndex, before.source_id, renamed);
  }

  private renameInRankings(turnIndex: number, from: string, to: string): void {
    this.updateTurn(turnIndex, (turn) => ({
      ...turn,
      annotations: (turn.annotations ?? []).map((annotation) => {
        if (annotation.type === 'ranked_choices' && Array.isArray(annotation.value)) return { ...annotation, value: (annotation.value as string[]).map((id) => (id === from ? to : id)) };
        if (annotation.type === 'ranked_groups' && Array.isArray(annotation.value)) return { ...annotation, value: (annotation.value as string[][]).map((group) => group.map((id) => (id === from ? to : id))) };
        return annotation;
      }),
    }));
  }

  removeMessage(turnIndex: number, messageIndex: number): void {
    this.updateTurn(turnIndex, (turn) => ({ ...turn, messages: turn.messages.filter((_, index) => index !== messageIndex) }));
  }

  /** The annotations at a target. */
  annotationsAt(target: AnnotationTarget): ChatAnnotation[] {
    const thread = this.state.thread;
    if (target.turn === undefined) return thread.annotations ?? [];
    const turn = thread.turns[target.turn];
    return (target.message === undefined ? turn.annotations : turn.messages[target.message].annotations) ?? [];
  }

  /** Sets (or with `undefined` clears) the answer to a question at a target; the question's display fields travel with it. */
  answer(target: AnnotationTarget, question: AnnotationQuestion, patch: Partial<ChatAnnotation> | undefined): void {
    const list = this.annotationsAt(target);
    const existing = list.find((annotation) => annotation.key === question.key);
    let next: ChatAnnotation[];
    if (!patch) next = list.filter((annotation) => annotation.key !== question.key);
    else {
      const base: ChatAnnotation = existing ?? { key: question.key, type: question.type };
      if (question.title) base.title = question.title;
      if (question.description) base.description = question.description;
      if (question.possible_values) base.possible_values = question.possible_values;
      if (question.labels) base.labels = question.labels;
      const merged = { ...base, ...patch };
      next = existing ? list.map((annotation) => (annotation.key === question.key ? merged : annotation)) : [...list, merged];
    }
    if (target.turn === undefined) {
      this.touch(ANNOTATIONS_PATH);
      this.set({ ...this.state.thread, annotations: next });
    }
    else if (target.message === undefined) this.updateTurn(target.turn, (turn) => ({ ...turn, annotations: next }));
    else this.updateMessage(target.turn, target.message, (message) => ({ ...message, annotations: next }));
  }

  /** The labeler adds a rubric criterion to a turn (rubric `authoring`). */
  addCriterion(turnIndex: number, criterion: string, weight: number): void {
    this.updateTurn(turnIndex, (turn) => {
      const rubric = turn.rubrics?.[0] ?? { criteria_definitions: [] };
      const id = `c${rubric.criteria_definitions.length + 1}_${Date.now().toString(36)}`;
      return { ...turn, rubrics: [{ ...rubric, criteria_definitions: [...rubric.criteria_definitions, { id, criterion, weight, annotations: [] }] }] };
    });
  }

  /** Scores one message against one criterion of its turn's rubric; totals follow (weighted sum, and its share of the maximum). */
  score(turnIndex: number, messageIndex: number, criterionId: string, score: number | undefined): void {
    const turn = this.state.thread.turns[turnIndex];
    const criteria = turn.rubrics?.[0]?.criteria_definitions ?? [];
    const best = Math.max(...(this.rubric?.scores?.length ? this.rubric.scores : [1]));
    this.updateMessage(turnIndex, messageIndex, (message) => {
      const current = message.rubric_evaluations?.[0]?.criteria_evaluations ?? [];
      const entries = current.filter((entry) => entry.criterion_definition_id !== criterionId);
      if (score !== undefined) entries.push({ criterion_definition_id: criterionId, score, annotations: [] });
      entries.sort((a, b) => criteria.findIndex((c) => c.id === a.criterion_definition_id) - criteria.findIndex((c) => c.id === b.criterion_definition_id));
      const weight = (id: string) => criteria.find((criterion) => criterion.id === id)?.weight ?? 1;
      const total = entries.reduce((sum, entry) => sum + entry.score * weight(entry.criterion_definition_id), 0);
      const maximum = criteria.reduce((sum, criterion) => sum + best * (criterion.weight ?? 1), 0);
      const evaluation = { criteria_evaluations: entries, annotations: [], total_score: total, percentage: maximum > 0 ? Math.round((total / maximum) * 1000) / 10 : 0 };
      return { ...message, rubric_evaluations: entries.length > 0 ? [evaluation] : undefined };
    });
  }

  /**
   * The conversation a model sees before answering turn `turnIndex`: earlier turns with one answer
   * each (the best-ranked, else the first), then this turn's system and user messages.
   */
  historyFor(turnIndex: number): TrainingMessage[] {
    return promptBefore(this.state.thread, turnIndex);
  }

  /** The response to save or submit: `{threads: [thread]}`. */
  response(): ChatResponse {
    return { threads: [this.state.thread] };
  }

  /** What still stops a submit, in the server's words (empty when it can go). */
  problems(): string[] {
    const streaming = [...this.state.streaming.values()].some((entry) => !entry.done);
    if (streaming) return ['A model answer is still arriving; wait for it to finish.'];
    return problemsOf(() => checkChatResponse(this.response(), this.params));
  }
}

const NOT_STREAMING: ReadonlyMap<number, Streaming> = new Map();

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
