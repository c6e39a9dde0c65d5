import type { ReactNode } from 'react';

/**
 * A small Markdown renderer for task instructions that builds React elements, never HTML strings:
 * raw HTML in an instruction shows as text, so nothing a task creator writes can run script in
 * the labeler's session. Links and images are kept only for safe URL schemes.
 *
 * Supports headings, paragraphs, bullet and numbered lists, block quotes, fenced code, rules,
 * and inline bold, italic, code, links and images.
 */
export function Markdown({ source }: { source: string }) {
  return <div className="tw-markdown">{renderBlocks(source.replace(/\r\n?/g, '\n'))}</div>;
}

const SAFE_LINK = /^(https?:\/\/|mailto:|\/|#)/i;
const SAFE_IMAGE = /^(https?:\/\/|\/|data:image\/(png|jpe?g|gif|webp);)/i;

function renderBlocks(text: string): ReactNode[] {
  const lines = text.split('\n');
  const blocks: ReactNode[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === '') {
      index++;
      continue;
    }
    const fence = line.match(/^\s*```/);
    if (fence) {
      const body: string[] = [];
      index++;
      while (index < lines.length && !/^\s*```/.test(lines[index])) body.push(lines[index++]);
      index++;
      blocks.push(
        <pre key={blocks.length}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      const level = heading[1].length;
      const Tag = `h${level}` as 'h1';
      blocks.push(<Tag key={blocks.length}>{renderInline(heading[2].replace(/\s#+\s*$/, ''))}</Tag>);
      index++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push(<hr key={blocks.length} />);
      index++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && /^\s*>/.test(lines[index])) quoted.push(lines[index++].replace(/^\s*>\s?/, ''));
      blocks.push(<blockquote key={blocks.length}>{renderBlocks(quoted.join('\n'))}</blockquote>);
      continue;
    }
    const listMatch = line.match(/^\s*([-*+]|\d+[.)])\s+/);
    if (listMatch) {
      const ordered = /\d/.test(listMatch[1]);
      const items: string[] = [];
      while (index < lines.length) {
        const item = lines[index].match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
        if (item && /\d/.test(item[1]) === ordered) {
          items.push(item[2]);
        } else if (items.length > 0 && /^\s{2,}\S/.test(lines[index])) {
          items[items.length - 1] += ` ${lines[index].trim()}`; // continuation line
        } else {
          break;
        }
        index++;
      }
      const children = items.map((item, position) => <li key={position}>{renderInline(item)}</li>);
      blocks.push(ordered ? <ol key={blocks.length}>{children}</ol> : <ul key={blocks.length}>{children}</ul>);
      continue;
    }
    const paragraph: string[] = [];
    while (
      index < lines.length &&
      lines[index].trim() !== '' &&
      !/^(#{1,6}\s|\s*```|\s*>|\s*([-*+]|\d+[.)])\s+)/.test(lines[index])
    ) {
      paragraph.push(lines[index++].trim());
    }
    blocks.push(<p key={blocks.length}>{renderInline(paragraph.join(' '))}</p>);
  }
  return blocks;
}

// Order matters: images before links, bold before italic.
const INLINE = /(`[^`]+`)|(!\[[^\]]*\]\([^)\s]+\))|(\[[^\]]+\]\([^)\s]+\))|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)/;

/** Inline spans; anything unrecognised stays literal text. */
export function renderInline(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let rest = text;
  while (rest.length > 0) {
    const match = rest.match(INLINE);
    if (!match || match.index === undefined) {
      nodes.push(rest);
      break;
    }
    if (match.index > 0) nodes.push(rest.slice(0, match.index));
    const token = match[0];
    const key = nodes.length;
    if (match[1]) {
      nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    } else if (match[2]) {
      const [, alt, url] = token.match(/^!\[([^\]]*)\]\(([^)\s]+)\)$/)!;
      nodes.push(SAFE_IMAGE.test(url) ? <img key={key} src={url} alt={alt} /> : `[image: ${alt}]`);
    } else if (match[3]) {
      const [, label, url] = token.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/)!;
      nodes.push(
        SAFE_LINK.test(url) ? (
          <a key={key} href={url} target="_blank" rel="noopener noreferrer">
            {renderInline(label)}
          </a>
        ) : (
          label
        ),
      );
    } else if (match[4]) {
      nodes.push(<strong key={key}>{renderInline(token.slice(2, -2))}</strong>);
    } else {
      nodes.push(<em key={key}>{renderInline(token.slice(1, -1))}</em>);
    }
    rest = rest.slice(match.index + token.length);
  }
  return nodes;
}
