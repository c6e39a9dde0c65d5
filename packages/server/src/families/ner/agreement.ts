import { isPlainObject } from '../../domain/lenient.ts';
import { annotationsOf } from '../shared/agreement.ts';

/**
 * Named entities compared token by token: two responses agree by the F1 of the (token, label) pairs
 * they mark; a consensus keeps a token's label when at least half the attempts give it, and runs of
 * one label become entities.
 */

type Params = Record<string, unknown>;

interface Token {
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((match) => ({ start: match.index!, end: match.index! + match[0].length }));
}

interface Entity {
  start: number;
  end: number;
  label: string;
}

function entitiesOf(response: unknown): Entity[] {
  return annotationsOf(response)
    .filter((a): a is Record<string, unknown> => isPlainObject(a) && Number.isInteger(a.start) && Number.isInteger(a.end))
    .map((a) => ({ start: a.start as number, end: a.end as number, label: typeof a.label === 'string' ? a.label : '' }));
}

/** (token, label) pairs a response marks; without the task text, every character offset is a token. */
export function nerTokens(params: Params, response: unknown): string[] {
  const tokens = typeof params.text === 'string' ? tokenize(params.text) : undefined;
  const marked: string[] = [];
  for (const entity of entitiesOf(response)) {
    if (tokens) tokens.forEach((token, index) => token.start < entity.end && entity.start < token.end && marked.push(`${index}\u0000${entity.label}`));
    else for (let offset = entity.start; offset < entity.end; offset++) marked.push(`${offset}\u0000${entity.label}`);
  }
  return [...new Set(marked)];
}

/** Token-level majority: a token keeps a label when at least half the responses give it; runs of one label become entities. */
export function mergeEntities(params: Params, responses: readonly unknown[]): unknown[] {
  const text = typeof params.text === 'string' ? params.text : '';
  const tokens = tokenize(text);
  const needed = Math.ceil(responses.length / 2);
  // Per token: label → votes; and per token whether a vote starts an entity there (keeps adjacent entities apart).
  const votes = tokens.map(() => new Map<string, { votes: number; starts: number }>());
  for (const response of responses) {
    for (const entity of entitiesOf(response)) {
      let first = true;
      tokens.forEach((token, index) => {
        if (!(token.start < entity.end && entity.start < token.end)) return;
        const entry = votes[index].get(entity.label) ?? { votes: 0, starts: 0 };
        entry.votes += 1;
        if (first) entry.starts += 1;
        first = false;
        votes[index].set(entity.label, entry);
      });
    }
  }
  const merged: Array<{ start: number; end: number; label: string; text: string }> = [];
  let open: { start: number; end: number; label: string } | undefined;
  tokens.forEach((token, index) => {
    let best: { label: string; votes: number; starts: number } | undefined;
    for (const [label, entry] of votes[index]) if (entry.votes >= needed && (!best || entry.votes > best.votes)) best = { label, ...entry };
    const continues = open && best && open.label === best.label && best.starts < needed;
    if (open && !continues) {
      merged.push({ ...open, text: text.slice(open.start, open.end) });
      open = undefined;
    }
    if (!best) return;
    if (open) open.end = token.end;
    else open = { start: token.start, end: token.end, label: best.label };
  });
  if (open) merged.push({ ...open, text: text.slice(open.start, open.end) });
  return merged;
}

