import { useMemo } from 'react';
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';

/**
 * Task instructions as Markdown (CommonMark plus tables and strikethrough), rendered by markdown-it
 * and sanitised by DOMPurify. Two layers keep a task creator's text from running script in the
 * labeler's session: markdown-it is told to treat raw HTML as text (`html: false`) and to keep only
 * links and images with safe URLs, and DOMPurify then admits only the tags and attributes Markdown
 * makes, so a bug in the first layer still cannot put a script, a handler or a javascript: URL on
 * the page.
 */
export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => renderInstruction(source), [source]);
  if (html === undefined) return <div className="tw-markdown tw-markdown-plain">{source}</div>;
  return <div className="tw-markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

const SAFE_LINK = /^(https?:\/\/|mailto:|\/|#)/i;
const SAFE_IMAGE = /^(https?:\/\/|\/|data:image\/(png|jpe?g|gif|webp);)/i;

// markdown-it 14, not 15: 15's build defines every token field with Object.defineProperty, the top of a render's CPU profile.
const markdown = new MarkdownIt({ html: false, linkify: false });
// Links and images share markdown-it's check; each is narrowed to its own list by the sanitizer hook.
markdown.validateLink = (url) => SAFE_LINK.test(url) || SAFE_IMAGE.test(url);

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li',
  'strong', 'em', 's', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'start', 'target', 'rel'];

// An instance of our own, so its hook touches no other use of DOMPurify.
const purify = typeof window !== 'undefined' && DOMPurify(window).isSupported ? DOMPurify(window) : undefined;
purify?.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (!SAFE_LINK.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  } else if (node.tagName === 'IMG' && !SAFE_IMAGE.test(node.getAttribute('src') ?? '')) {
    node.replaceWith(node.ownerDocument.createTextNode(`[image: ${node.getAttribute('alt') ?? ''}]`));
  }
});

/** The instruction as sanitised HTML, or undefined where no DOM is there to sanitise with (shown as plain text then). */
export function renderInstruction(source: string): string | undefined {
  return sanitizeInstructionHtml(markdown.render(source));
}

/** The second layer on its own: any HTML cut down to what Markdown makes, with safe URLs only. */
export function sanitizeInstructionHtml(html: string): string | undefined {
  return purify?.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
