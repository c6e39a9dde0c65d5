import type { ChatAnnotation, ChatMessage, ChatThread, ChatTurn, MessageRole } from './shapes.ts';

/** A message as training data holds it: its role and its text. */
export interface TrainingMessage {
  role: MessageRole;
  content: string;
}

/** One preference pair of a turn: the prompt before it, the answer ranked higher and one ranked lower. */
export interface PreferencePair {
  /** Position of the turn in its thread. */
  turn: number;
  /** Key of the ranking question the pair comes from. */
  ranking: string;
  prompt: TrainingMessage[];
  chosen: ChatMessage;
  rejected: ChatMessage;
}

const asTraining = (message: ChatMessage): TrainingMessage => ({ role: message.role, content: message.content.text ?? '' });

function rankings(turn: ChatTurn): ChatAnnotation[] {
  return (turn.annotations ?? []).filter(
    (annotation) => (annotation.type === 'ranked_choices' || annotation.type === 'ranked_groups') && Array.isArray(annotation.value) && !annotation.not_applicable && !annotation.cannot_assess,
  );
}

/** A ranking as groups of source_ids, best first (ranked_choices: one source per group). */
function groupsOf(ranking: ChatAnnotation): string[][] {
  const value = ranking.value as unknown[];
  return ranking.type === 'ranked_groups' ? value.map((group) => (Array.isArray(group) ? group.map(String) : [String(group)])) : value.map((id) => [String(id)]);
}

/** The answer a turn keeps in the conversation that follows it: the best-ranked (first ranked_choices), else the first. */
export function chosenAnswer(turn: ChatTurn): ChatMessage | undefined {
  const answers = turn.messages.filter((message) => message.role === 'assistant');
  const ranking = turn.annotations?.find((annotation) => annotation.type === 'ranked_choices' && Array.isArray(annotation.value))?.value as string[] | undefined;
  return (ranking && answers.find((message) => message.source_id === ranking[0])) ?? answers[0];
}

/**
 * The conversation before the answers of turn `turnIndex`: the earlier turns with their chosen
 * answer each, then this turn's own messages other than answers. What a model is asked, and a
 * preference pair's prompt.
 */
export function promptBefore(thread: ChatThread, turnIndex: number): TrainingMessage[] {
  const prompt: TrainingMessage[] = [];
  thread.turns.slice(0, turnIndex + 1).forEach((turn, index) => {
    const chosen = index < turnIndex ? chosenAnswer(turn) : undefined;
    for (const message of turn.messages) if (message.role !== 'assistant' || message === chosen) prompt.push(asTraining(message));
  });
  return prompt;
}

/** The thread as one supervised fine-tuning conversation: every turn with its chosen answer. */
export function fineTuningMessages(thread: ChatThread): TrainingMessage[] {
  const last = thread.turns.length - 1;
  const messages = last >= 0 ? promptBefore(thread, last) : [];
  const answer = last >= 0 ? chosenAnswer(thread.turns[last]) : undefined;
  if (answer) messages.push(asTraining(answer));
  return messages;
}

/**
 * The preference pairs of a thread: for each ranking of each turn, every pair of the turn's answers
 * in different places of the ranking, the better one chosen (ranked_groups: answers of one group
 * are tied and make no pair). Rankings marked not applicable or cannot assess make none.
 */
export function preferencePairs(thread: ChatThread): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  thread.turns.forEach((turn, index) => {
    const found = rankings(turn);
    if (found.length === 0) return;
    const prompt = promptBefore(thread, index);
    const answers = new Map(turn.messages.filter((message) => message.role === 'assistant').map((message) => [message.source_id, message]));
    for (const ranking of found) {
      const groups = groupsOf(ranking).map((group) => group.flatMap((id) => answers.get(id) ?? []));
      groups.forEach((better, place) => {
        for (const worse of groups.slice(place + 1).flat()) for (const chosen of better) pairs.push({ turn: index, ranking: ranking.key, prompt, chosen, rejected: worse });
      });
    }
  });
  return pairs;
}

/** A message in a training record. */
export const trainingMessage = asTraining;
