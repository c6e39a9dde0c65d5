/**
 * Checks on a JSON request body that JSON.parse alone lets through but the rest of the server
 * cannot handle: nesting deep enough to overflow the stack when a value is copied or serialised
 * again, and strings with a lone UTF-16 surrogate (`"\ud800x"`), which are not Unicode text and
 * which neither database stores. Both are the client's mistake: 400 naming the problem.
 */

/** Deepest nesting of arrays and objects a body may have; Scale's own shapes stay under ten. */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether the JSON text nests arrays or objects deeper than `limit`, counted on the raw text
 * (brackets outside strings) before parsing, so the check itself never recurses.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** A `\uD800`–`\uDFFF` escape in the text: the only way a lone surrogate can reach a parsed string. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path (`metadata.name`) of the first string or key holding a lone surrogate, if any. */
export function loneSurrogatePath(text: string, value: unknown): string | undefined {
  if (!SURROGATE_ESCAPE.test(text)) return undefined;
  const pending: Array<[unknown, string]> = [[value, '']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return path || '(the body)';
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const at = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return at;
        pending.push([item, at]);
      }
    }
  }
  return undefined;
}
