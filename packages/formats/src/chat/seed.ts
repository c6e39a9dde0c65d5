import type { ChatMessage, ChatThread, ChatTurn, MessageRole } from './shapes.ts';

type Json = Record<string, unknown>;

/**
 * The opening of a task's conversation from its params `conversation` (Tagwright decision,
 * docs/chat.md): messages `{role, content (string or {text}), source_id?}` grouped into turns, a
 * new turn at each user message (system messages before the first one open the first turn).
 * Tasks whose turns come from the task creator, with no model, start from this.
 */
export function seedTurns(params: Json): ChatTurn[] {
  const conversation = Array.isArray(params.conversation) ? (params.conversation as Json[]) : [];
  const turns: ChatTurn[] = [];
  let current: ChatTurn | undefined;
  for (const entry of conversation) {
    const role = entry.role as MessageRole;
    const message: ChatMessage = {
      role,
      source_id: typeof entry.source_id === 'string' && entry.source_id !== '' ? entry.source_id : role === 'assistant' ? 'assistant' : role,
      content: typeof entry.content === 'string' ? { text: entry.content } : { ...(entry.content as Json) },
      annotations: [],
    };
    const startsTurn = role === 'user' && current !== undefined && current.messages.some((other) => other.role === 'user');
    if (!current || startsTurn) turns.push((current = { messages: [], annotations: [] }));
    current.messages.push(message);
  }
  return turns;
}

/** The threads a test-mode chat task completes with (contract 5.10, task-types.md §9): one thread holding the seeded turns. */
export function testThreads(params: Json): ChatThread[] {
  return [{ turns: seedTurns(params), annotations: [] }];
}
