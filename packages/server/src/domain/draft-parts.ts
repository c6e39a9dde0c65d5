/**
 * Drafts saved by the part (docs/app-api.md, `PATCH tasks/:id/draft`). A part is the JSON at one
 * JSON pointer of the draft (`/threads/0/turns/12`), written at a revision. The draft a labeler
 * gets back is the whole draft last saved with `POST draft` (or nothing), with every part set over
 * it in revision order: a later part wins where parts nest, whichever arrived first.
 */

export interface DraftPart {
  path: string;
  value: unknown;
  revision: number;
}

/** A path's segments: at most this many, each a key of letters, digits, `_` or `-`, or an array index. */
export const MAX_PATH_SEGMENTS = 8;
/** Array indexes above this are refused: a part must not make the draft a huge array of nulls. */
export const MAX_ARRAY_INDEX = 99_999;
/** Parts one patch may carry. */
export const MAX_PARTS_PER_PATCH = 2_000;

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const INDEX = /^(0|[1-9][0-9]{0,4})$/;

/** Why `path` is not a part's path, or undefined when it is one. */
export function draftPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'must be a JSON pointer such as "/threads/0/turns/3"';
  const segments = path.slice(1).split('/');
  if (segments.length > MAX_PATH_SEGMENTS) return `must have at most ${MAX_PATH_SEGMENTS} segments`;
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '__proto__') return 'segments are keys of letters, digits, "_" or "-" (at most 64), or array indexes';
    if (/^[0-9]+$/.test(segment) && (!INDEX.test(segment) || Number(segment) > MAX_ARRAY_INDEX)) return `array indexes are whole numbers up to ${MAX_ARRAY_INDEX} without leading zeros`;
  }
  return undefined;
}

/** The draft: `base` with every part set at its path, oldest revision first (ties: shallower path first). */
export function applyDraftParts(base: unknown, parts: readonly DraftPart[]): unknown {
  const ordered = [...parts].sort((a, b) => a.revision - b.revision || depth(a.path) - depth(b.path));
  let draft = base;
  for (const part of ordered) draft = setAt(draft, part.path.slice(1).split('/'), part.value);
  return draft;
}

const depth = (path: string) => path.split('/').length;

/** `container` with `value` at `segments`, creating objects (or arrays, for index segments) on the way; containers are changed in place. */
function setAt(container: unknown, segments: string[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  const isIndex = INDEX.test(head);
  let target = container;
  // A missing or scalar container becomes an array when indexed by number, else an object. An
  // object indexed by a number takes it as a key; a key on an array is dropped (JSON arrays have no named members).
  if (typeof target !== 'object' || target === null) target = isIndex ? [] : {};
  if (Array.isArray(target)) {
    if (!isIndex) return target;
    const index = Number(head);
    while (target.length < index) target.push(null);
    target[index] = setAt(target[index], rest, value);
    return target;
  }
  const record = target as Record<string, unknown>;
  record[head] = setAt(Object.hasOwn(record, head) ? record[head] : undefined, rest, value);
  return record;
}
