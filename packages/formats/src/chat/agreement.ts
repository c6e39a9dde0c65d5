import type { ChatAnnotation, ChatResponse, ChatThread } from './shapes.ts';

/**
 * Agreement of two labelers' chat responses, 0..1 (consensus and gold scores; docs/chat.md,
 * "Consensus"). The answers are compared slot by slot, a slot being one question at one place:
 * the thread, turn i, or the answer of one `source_id` in turn i (turns match by position). Per
 * slot:
 * - `ranked_choices`, `ranked_groups`: pairwise order agreement (Kendall's tau rescaled to 0..1:
 *   the share of pairs of choices both rankings order the same way; ties count as an order);
 * - `category`, `boolean`, `text` (trimmed, case-insensitive): exact match;
 * - `category_multiple`: Jaccard index of the two sets;
 * - `integer`: 1 − |a − b| / range (range of `possible_values`, else the larger magnitude);
 * - rubric scores (one slot per answer and criterion position): 1 − |a − b| / the largest score seen;
 * - anything else: equal JSON.
 * A slot only one response fills scores 0. The agreement is the mean over all slots; with no slot at
 * all, 1 when both conversations have the same number of turns, else 0.
 */
export function chatAgreement(a: unknown, b: unknown): number {
  const left = slotsOf(a);
  const right = slotsOf(b);
  const keys = new Set([...left.keys(), ...right.keys()]);
  if (keys.size === 0) return turnCount(a) === turnCount(b) ? 1 : 0;
  let total = 0;
  for (const key of keys) {
    const x = left.get(key);
    const y = right.get(key);
    if (x === undefined || y === undefined) continue;
    total += slotSimilarity(x, y);
  }
  return total / keys.size;
}

interface Slot {
  kind: string;
  value: unknown;
  possible?: unknown[];
  /** For rubric scores: the largest score either side used (set when comparing). */
}

function threadOf(response: unknown): ChatThread | undefined {
  const threads = (response as ChatResponse | undefined)?.threads;
  return Array.isArray(threads) ? threads[0] : undefined;
}

function turnCount(response: unknown): number {
  return threadOf(response)?.turns?.length ?? 0;
}

function slotsOf(response: unknown): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  const thread = threadOf(response);
  if (!thread) return slots;
  const add = (place: string, list: ChatAnnotation[] | undefined) => {
    for (const annotation of list ?? []) {
      if (annotation.value === undefined || annotation.value === null) continue;
      slots.set(`${place}/${annotation.key}`, { kind: annotation.type, value: annotation.value, possible: annotation.possible_values });
    }
  };
  add('thread', thread.annotations);
  (thread.turns ?? []).forEach((turn, turnIndex) => {
    add(`turn${turnIndex}`, turn.annotations);
    for (const message of turn.messages ?? []) {
      if (message.role !== 'assistant') continue;
      add(`turn${turnIndex}/${message.source_id}`, message.annotations);
      (message.rubric_evaluations?.[0]?.criteria_evaluations ?? []).forEach((entry, position) => {
        slots.set(`turn${turnIndex}/${message.source_id}/criterion${position}`, { kind: 'score', value: entry.score });
      });
    }
  });
  return slots;
}

function slotSimilarity(x: Slot, y: Slot): number {
  if (x.kind !== y.kind) return 0;
  switch (x.kind) {
    case 'ranked_choices':
      return orderAgreement(rankOf((x.value as string[]).map((choice) => [choice])), rankOf((y.value as string[]).map((choice) => [choice])));
    case 'ranked_groups':
      return orderAgreement(rankOf(x.value as string[][]), rankOf(y.value as string[][]));
    case 'category':
    case 'boolean':
      return x.value === y.value ? 1 : 0;
    case 'text':
      return String(x.value).trim().toLowerCase() === String(y.value).trim().toLowerCase() ? 1 : 0;
    case 'category_multiple': {
      const a = new Set(x.value as string[]);
      const b = new Set(y.value as string[]);
      const union = new Set([...a, ...b]);
      return union.size === 0 ? 1 : [...a].filter((entry) => b.has(entry)).length / union.size;
    }
    case 'integer': {
      const possible = (x.possible ?? y.possible ?? []).filter((entry): entry is number => typeof entry === 'number');
      const range = possible.length > 1 ? Math.max(...possible) - Math.min(...possible) : Math.max(Math.abs(x.value as number), Math.abs(y.value as number), 1);
      return Math.max(0, 1 - Math.abs((x.value as number) - (y.value as number)) / range);
    }
    case 'score': {
      const largest = Math.max(Math.abs(x.value as number), Math.abs(y.value as number), 1);
      return Math.max(0, 1 - Math.abs((x.value as number) - (y.value as number)) / largest);
    }
    default:
      return JSON.stringify(x.value) === JSON.stringify(y.value) ? 1 : 0;
  }
}

function rankOf(groups: string[][]): Map<string, number> {
  const ranks = new Map<string, number>();
  groups.forEach((group, rank) => group.forEach((choice) => ranks.set(choice, rank)));
  return ranks;
}

/** Share of pairs of common choices that both rankings order the same way (a tie is an order too). */
function orderAgreement(a: Map<string, number>, b: Map<string, number>): number {
  const common = [...a.keys()].filter((choice) => b.has(choice));
  let pairs = 0;
  let same = 0;
  for (let i = 0; i < common.length; i++) {
    for (let j = i + 1; j < common.length; j++) {
      pairs++;
      const left = Math.sign(a.get(common[i])! - a.get(common[j])!);
      const right = Math.sign(b.get(common[i])! - b.get(common[j])!);
      if (left === right) same++;
    }
  }
  return pairs === 0 ? (common.length > 0 ? 1 : 0) : same / pairs;
}
