import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import MarkdownIt from 'markdown-it';
import { Markdown, renderInstruction } from '../../src/workbench/Markdown.tsx';

/** Nothing in the rendered instruction can run script: no script, svg, math, iframe, object or embed element, no on* attribute, no script or data-document URL. */
function expectInert(container: Element) {
  expect(container.querySelector('script, svg, math, iframe, object, embed, style, form, base, meta, link')).toBeNull();
  for (const element of container.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      expect(attribute.name, `${element.tagName} ${attribute.name}`).not.toMatch(/^on/i);
      expect(attribute.value.replace(/[\s\u0000-\u001f]/g, ''), `${element.tagName} ${attribute.name}`).not.toMatch(/^(javascript|vbscript|data:text|data:image\/svg)/i);
    }
  }
}

function renderSource(source: string): HTMLElement {
  const { container } = render(<Markdown source={source} />);
  return container;
}

describe('instructions markdown', () => {
  it('renders headings, lists, emphasis, code and safe links', () => {
    const container = renderSource('# Boxes\n\nDraw **tight** boxes around *every* car.\n\n- one\n- two\n\n1. first\n\nSee [the guide](https://example.com/guide) and `min_width`.');
    expect(container.querySelector('h1')!.textContent).toBe('Boxes');
    expect(container.querySelector('strong')!.textContent).toBe('tight');
    expect(container.querySelector('em')!.textContent).toBe('every');
    expect(container.querySelectorAll('ul li')).toHaveLength(2);
    expect(container.querySelectorAll('ol li')).toHaveLength(1);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://example.com/guide');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(container.querySelector('code')!.textContent).toBe('min_width');
  });

  it('renders block quotes, fenced code, rules, images, tables and relative and mailto links', () => {
    const container = renderSource(
      '> quoted\n\n```\nlabel: car\n```\n\n---\n\n![good](https://example.com/good.png) [FAQ](/docs/faq#boxes) [mail](mailto:ops@example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(container.querySelector('blockquote')!.textContent!.trim()).toBe('quoted');
    expect(container.querySelector('pre code')!.textContent).toBe('label: car\n');
    expect(container.querySelector('hr')).not.toBeNull();
    expect(container.querySelector('img')!.getAttribute('src')).toBe('https://example.com/good.png');
    expect(container.querySelector('img')!.getAttribute('alt')).toBe('good');
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['/docs/faq#boxes', 'mailto:ops@example.com']);
    expect(container.querySelectorAll('table td')).toHaveLength(2);
  });

  it('shows raw HTML as text and drops javascript: links', () => {
    const container = renderSource('<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) ![x](javascript:alert(2))');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expectInert(container);
  });

  it('shows svg and math tricks, handlers and iframes written as raw HTML as text, never as elements', () => {
    const attacks = [
      '<svg onload=alert(1)><script>alert(2)</script></svg>',
      '<svg><a xlink:href="javascript:alert(3)"><text x="20" y="20">click</text></a></svg>',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(4)></style></mglyph></table></mtext></math>',
      '<a href="javascript:alert(5)">x</a> <div onmouseover="alert(6)">hover</div>',
      '<iframe src="javascript:alert(7)"></iframe><object data="data:text/html,<script>alert(8)</script>"></object>',
      '<details open ontoggle=alert(9)>',
    ];
    for (const attack of attacks) {
      const container = renderSource(`Before\n\n${attack}\n\nAfter`);
      expectInert(container);
      expect(container.textContent, attack).toContain(attack.slice(0, 20));
    }
  });

  it('keeps no link or image whose URL is not http(s), mailto, a path or an anchor, however it is spelled', () => {
    const sources = [
      '[a](JaVaScRiPt:alert(1))',
      '[a](java\tscript:alert(1))',
      '[a](javascript&colon;alert(1))',
      '[a](&#106;avascript:alert(1))',
      '[a](<javascript:alert(1)>)',
      '<javascript:alert(1)>',
      '[a][ref]\n\n[ref]: javascript:alert(1)',
      '[a](vbscript:msgbox(1))',
      '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
      '![a](javascript:alert(1))',
      '[a](file:///etc/passwd)',
    ];
    for (const source of sources) {
      const container = renderSource(source);
      expectInert(container);
      expect(container.querySelector('a[href], img'), source).toBeNull();
    }
  });

  it('keeps a title attribute as text, so a quote in it cannot add a handler', () => {
    const container = renderSource('![a](https://example.com/a.png "x\\" onerror=\\"alert(1)") [b](https://example.com "y\\" onclick=\\"alert(2)")');
    expectInert(container);
    expect(container.querySelector('img')!.getAttribute('title')).toBe('x" onerror="alert(1)');
  });

  it('builds no element, handler or unsafe URL even when the parser lets raw HTML and every URL through (the second layer)', () => {
    // The first layer taken away: raw HTML passed on as html tokens, and no URL refused.
    const careless = new MarkdownIt({ html: true });
    careless.validateLink = () => true;
    const source = [
      '<p onclick="alert(1)">p</p><script>alert(2)</script><svg><script>alert(3)</script></svg>',
      '',
      'Inline <img src=x onerror=alert(4)> and <a href="javascript:alert(5)">a</a> <iframe src="https://example.com"></iframe>',
      '',
      '[js](javascript:alert(6)) [vb](vbscript:msgbox(7)) [data](data:text/html,<script>alert(8)</script>) [ok](https://example.com/ok)',
      '',
      '![bad](javascript:alert(9)) ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) ![ok](https://example.com/ok.png)',
    ].join('\n');
    const { container } = render(<div>{renderInstruction(source, careless)}</div>);
    expectInert(container);
    expect(container.textContent).toContain('<script>alert(2)</script>');
    expect(container.textContent).toContain('<img src=x onerror=alert(4)>');
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([null, null, null, 'https://example.com/ok']);
    expect(container.querySelector('a[href]')!.getAttribute('rel')).toBe('noopener noreferrer');
    expect([...container.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['https://example.com/ok.png']);
    expect(container.textContent).toContain('[image: bad]');
    expect(container.textContent).toContain('[image: svg]');
  });

  it("shows each instruction's own content when many are rendered in turn (the cache of built instructions)", () => {
    const sources = Array.from({ length: 20 }, (_, index) => `# Instruction ${index}\n\nDraw **${index}** boxes.`);
    for (const source of [...sources, sources[0], sources[19], sources[3]]) {
      const container = renderSource(source);
      const number = /Instruction (\d+)/.exec(source)![1];
      expect(container.querySelector('h1')!.textContent).toBe(`Instruction ${number}`);
      expect(container.querySelector('strong')!.textContent).toBe(number);
    }
  });
});
