import type { ChatAnnotation, ChatMessage, ChatResponse, ChatSubmission, ChatThread, ChatTurn, CriterionDefinition, Rubric, RubricEvaluation } from './shapes.ts';

/**
 * A checked chat response as the rows it is stored in (docs/chat.md): fresh wire ids for threads,
 * turns, annotations and rubric criteria (references to criteria and annotations are rewritten to
 * match), an internal id per message, and every annotation at any depth listed once for id lookups.
 * Pure: ids come from `newId`.
 */
export interface ConversationRows {
  threads: Array<{ id: string; position: number; submissions: ChatSubmission[] | null }>;
  turns: Array<{ id: string; thread_id: string; position: number; rubrics: Rubric[] | null }>;
  messages: Array<{
    id: string;
    turn_id: string;
    position: number;
    role: string;
    source_id: string;
    content: ChatMessage['content'];
    model_parameters: ChatMessage['model_parameters'] | null;
    rubric_evaluations: RubricEvaluation[] | null;
    generation_id: string | null;
  }>;
  annotations: Array<{ id: string; owner_id: string; nested: boolean; position: number; body: ChatAnnotation }>;
}

export type IdMaker = (prefix: string) => string;

export function conversationRows(response: ChatResponse, newId: IdMaker, submissions: ChatSubmission[] | null): ConversationRows {
  const rows: ConversationRows = { threads: [], turns: [], messages: [], annotations: [] };
  // Annotation ids are assigned first so that metadata.criteria references can follow them.
  const annotationIds = new Map<string, string>();
  const pending: Array<{ annotation: ChatAnnotation; owner: string; nested: boolean; position: number; fresh: ChatAnnotation }> = [];
  const take = (list: ChatAnnotation[] | undefined, owner: string, nested: boolean): ChatAnnotation[] =>
    (list ?? []).map((annotation, position) => {
      const id = newId('an');
      if (annotation.id) annotationIds.set(annotation.id, id);
      const fresh: ChatAnnotation = { ...annotation, id };
      pending.push({ annotation, owner, nested, position, fresh });
      return fresh;
    });

  response.threads.forEach((thread, threadPosition) => {
    const threadId = newId('thread');
    rows.threads.push({ id: threadId, position: threadPosition, submissions: submissions ?? thread.submissions ?? null });
    take(thread.annotations, threadId, false);
    thread.turns.forEach((turn, turnPosition) => {
      const turnId = newId('turn');
      const criterionIds = new Map<string, string>();
      const rubrics = turn.rubrics?.map((rubric) => ({
        ...rubric,
        criteria_definitions: rubric.criteria_definitions.map((criterion): CriterionDefinition => {
          const id = newId('crit');
          if (criterion.id) criterionIds.set(criterion.id, id);
          return { ...criterion, id, annotations: take(criterion.annotations, turnId, true) };
        }),
      }));
      rows.turns.push({ id: turnId, thread_id: threadId, position: turnPosition, rubrics: rubrics ?? null });
      take(turn.annotations, turnId, false);
      turn.messages.forEach((message, messagePosition) => {
        const messageId = newId('msg');
        const content = message.content.chunks
          ? { ...message.content, chunks: message.content.chunks.map((chunk) => ({ ...chunk, annotations: take(chunk.annotations, messageId, true) })) }
          : message.content;
        const evaluations = message.rubric_evaluations?.map((evaluation) => ({
          ...evaluation,
          annotations: take(evaluation.annotations, messageId, true),
          criteria_evaluations: evaluation.criteria_evaluations.map((entry) => ({
            ...entry,
            criterion_definition_id: criterionIds.get(entry.criterion_definition_id) ?? entry.criterion_definition_id,
            annotations: take(entry.annotations, messageId, true),
          })),
        }));
        rows.messages.push({
          id: messageId,
          turn_id: turnId,
          position: messagePosition,
          role: message.role,
          source_id: message.source_id,
          content,
          model_parameters: message.model_parameters ?? null,
          rubric_evaluations: evaluations ?? null,
          generation_id: message.generation_id ?? null,
        });
        take(message.annotations, messageId, false);
      });
    });
  });
  for (const entry of pending) {
    const criteria = entry.fresh.metadata?.criteria;
    if (typeof criteria === 'string' && annotationIds.has(criteria)) entry.fresh.metadata = { ...entry.fresh.metadata, criteria: annotationIds.get(criteria) };
    rows.annotations.push({ id: entry.fresh.id!, owner_id: entry.owner, nested: entry.nested, position: entry.position, body: entry.fresh });
  }
  return rows;
}

/** The stored rows of one task back as its threads (annotations of every level in place, in order). */
export function threadsFromRows(rows: ConversationRows): ChatThread[] {
  const direct = new Map<string, ChatAnnotation[]>();
  for (const annotation of [...rows.annotations].sort((a, b) => a.position - b.position)) {
    if (annotation.nested) continue;
    const list = direct.get(annotation.owner_id) ?? [];
    list.push(annotation.body);
    direct.set(annotation.owner_id, list);
  }
  const byPosition = <T extends { position: number }>(list: T[]) => [...list].sort((a, b) => a.position - b.position);
  const messagesByTurn = groupBy(byPosition(rows.messages), (message) => message.turn_id);
  const turnsByThread = groupBy(byPosition(rows.turns), (turn) => turn.thread_id);
  return byPosition(rows.threads).map((thread): ChatThread => {
    const wire: ChatThread = {
      id: thread.id,
      turns: (turnsByThread.get(thread.id) ?? []).map((turn): ChatTurn => {
        const wireTurn: ChatTurn = {
          id: turn.id,
          messages: (messagesByTurn.get(turn.id) ?? []).map((message): ChatMessage => {
            const wireMessage: ChatMessage = {
              role: message.role as ChatMessage['role'],
              source_id: message.source_id,
              content: message.content,
              annotations: direct.get(message.id) ?? [],
            };
            if (message.model_parameters) wireMessage.model_parameters = message.model_parameters;
            if (message.rubric_evaluations) wireMessage.rubric_evaluations = message.rubric_evaluations;
            return wireMessage;
          }),
          annotations: direct.get(turn.id) ?? [],
        };
        if (turn.rubrics) wireTurn.rubrics = turn.rubrics;
        return wireTurn;
      }),
      annotations: direct.get(thread.id) ?? [],
    };
    if (thread.submissions) wire.submissions = thread.submissions;
    return wire;
  });
}

function groupBy<T>(list: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return groups;
}

/** Message role → v1 `responses[].type` (task-types.md §7.1; the step names are a Tagwright decision, docs/chat.md). */
const STEP_OF_ROLE: Record<string, string> = { system: 'SystemPrompt', user: 'PromptInput', assistant: 'ModelResponse', function: 'FunctionOutput' };

/** The v1 `response` of a completed chat task: one `{type, output}` per message, in conversation order. */
export function v1Response(threads: readonly ChatThread[]): { responses: Array<{ type: string; output: string }> } {
  const responses: Array<{ type: string; output: string }> = [];
  for (const thread of threads) {
    for (const turn of thread.turns) {
      for (const message of turn.messages) responses.push({ type: STEP_OF_ROLE[message.role] ?? message.role, output: message.content.text ?? '' });
    }
  }
  return { responses };
}
