import { Fragment, createElement, useMemo, type ReactNode } from 'react';
import MarkdownIt, { type Token } from 'markdown-it';
import DOMPurify from 'dompurify';

/**
 * Task instructions as Markdown (CommonMark plus tables and strikethrough), parsed by markdown-it
 * and built straight into React elements from its tokens: no HTML string is made, so none is
 * parsed (an HTML string sanitised by DOMPurify and set as innerHTML cost 6–7 ms per instruction,
 * 250 times the old hand-written renderer; bench/markdown.bench.ts). A task creator's text cannot
 * run script in the labeler's session because:
 * - text, and raw HTML (markdown-it is told to keep it as text, `html: false`), become React text
 *   nodes, never markup;
 * - only the tags Markdown makes are built (`TAGS`), anything else keeps just its content;
 * - only the attributes of `ATTRIBUTES` are kept, and a link or image URL only when it passes both
 *   our scheme list and DOMPurify's own attribute check (`isValidAttribute`, its URL rules).
 */
export function Markdown({ source }: { source: string }) {
  const content = useMemo(() => cachedInstruction(source), [source]);
  return <div className="tw-markdown">{content}</div>;
}

// The tasks of a project share its instruction: its elements are built once for the next task
// opened (React elements are immutable, so one tree can be rendered again and again).
const CACHED_INSTRUCTIONS = 16;
const cache = new Map<string, ReactNode>();

function cachedInstruction(source: string): ReactNode {
  let content = cache.get(source);
  if (content === undefined) {
    content = renderInstruction(source);
    if (cache.size >= CACHED_INSTRUCTIONS) cache.delete(cache.keys().next().value!);
  }
  cache.delete(source);
  cache.set(source, content); // most recently used last, so the first key is the one to drop
  return content;
}

const SAFE_LINK = /^(https?:\/\/|mailto:|\/|#)/i;
const SAFE_IMAGE = /^(https?:\/\/|\/|data:image\/(png|jpe?g|gif|webp);)/i;

// markdown-it 14, not 15: 15's build defines every token field with Object.defineProperty, the top of a render's CPU profile.
const markdown = new MarkdownIt({ html: false, linkify: false });
// Links and images share markdown-it's check; each is narrowed to its own list when its element is built.
markdown.validateLink = (url) => SAFE_LINK.test(url) || SAFE_IMAGE.test(url);

const TAGS = new Set([
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li',
  'strong', 'em', 's', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);
/** The attributes kept per tag (a table cell's alignment style and a fence's language are dropped). */
const ATTRIBUTES: Record<string, readonly string[]> = { a: ['href', 'title'], img: ['src', 'alt', 'title'], ol: ['start'] };
const URL_CHECK: Record<string, RegExp> = { href: SAFE_LINK, src: SAFE_IMAGE };

// An instance of our own, configured once; without a DOM (no window) no URL passes.
const purify = typeof window !== 'undefined' && DOMPurify(window).isSupported ? DOMPurify(window) : undefined;
purify?.setConfig({ ALLOWED_TAGS: [...TAGS], ALLOWED_ATTR: ['href', 'src', 'alt', 'title', 'start'], ALLOW_DATA_ATTR: false });

/** The instruction as React elements; `parser` is for tests that take the first layer away. */
export function renderInstruction(source: string, parser: MarkdownIt = markdown): ReactNode {
  return renderTokens(parser.parse(source, {}));
}

interface Open {
  tag: string;
  props: Record<string, string> | null;
  children: ReactNode[];
}

/** Elements from a markdown-it token stream (block tokens, or an inline token's children). */
function renderTokens(tokens: readonly Token[]): ReactNode {
  const stack: Open[] = [{ tag: '', props: null, children: [] }];
  for (const token of tokens) {
    if (token.nesting === 1) {
      // A tight list's paragraphs are hidden: their content goes straight into the item.
      stack.push({ tag: token.hidden ? '' : token.tag, props: allowedProps(token), children: [] });
    } else if (token.nesting === -1 && stack.length > 1) {
      const closed = stack.pop()!;
      stack[stack.length - 1].children.push(build(closed.tag, closed.props, closed.children));
    } else {
      stack[stack.length - 1].children.push(leaf(token));
    }
  }
  while (stack.length > 1) {
    const closed = stack.pop()!;
    stack[stack.length - 1].children.push(build(closed.tag, closed.props, closed.children));
  }
  return build('', null, stack[0].children);
}

/** An element of the allow-list, or, for any other tag, its children alone. Children go in as arguments, so React needs no keys. */
function build(tag: string, props: Record<string, string> | null, children: ReactNode[]): ReactNode {
  return TAGS.has(tag) ? createElement(tag, props, ...children) : createElement(Fragment, null, ...children);
}

/** A token with no children of its own to open and close. */
function leaf(token: Token): ReactNode {
  switch (token.type) {
    case 'inline':
      return renderTokens(token.children ?? []);
    case 'code_inline':
      return createElement('code', null, token.content);
    case 'code_block':
    case 'fence':
      return createElement('pre', null, createElement('code', null, token.content));
    case 'softbreak':
      return '\n';
    case 'hardbreak':
      return createElement('br');
    case 'hr':
      return createElement('hr');
    case 'image': {
      const alt = plainText(token.children ?? []);
      const props = allowedProps(token);
      if (!props?.src) return `[image: ${alt}]`;
      return createElement('img', { ...props, alt });
    }
    default:
      // text, and raw HTML if a parser ever lets it through: shown as the characters it is.
      return token.content;
  }
}

/** The attributes of ATTRIBUTES for the token's tag; a URL only when both checks pass. Links open in a new tab without access to this page. */
function allowedProps(token: Token): Record<string, string> | null {
  const names = ATTRIBUTES[token.tag];
  if (!names) return null;
  const props: Record<string, string> = {};
  for (const name of names) {
    const value = token.attrGet(name);
    if (value === null) continue;
    const urlCheck = URL_CHECK[name];
    if (urlCheck && !(urlCheck.test(value) && purify?.isValidAttribute(token.tag, name, value))) continue;
    props[name] = value;
  }
  if (token.tag === 'a') Object.assign(props, { target: '_blank', rel: 'noopener noreferrer' });
  return props;
}

/** An image's alt text: its description with the markup taken out, as CommonMark asks. */
function plainText(tokens: readonly Token[]): string {
  return tokens.map((token) => (token.type === 'image' ? plainText(token.children ?? []) : token.type === 'softbreak' || token.type === 'hardbreak' ? '\n' : token.content)).join('');
}
