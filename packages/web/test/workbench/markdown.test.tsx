import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Markdown } from '../../src/workbench/Markdown.tsx';

describe('instructions markdown', () => {
  it('renders headings, lists, emphasis, code and safe links', () => {
    const { container } = render(
      <Markdown source={'# Boxes\n\nDraw **tight** boxes around *every* car.\n\n- one\n- two\n\n1. first\n\nSee [the guide](https://example.com/guide) and `min_width`.'} />,
    );
    expect(container.querySelector('h1')!.textContent).toBe('Boxes');
    expect(container.querySelector('strong')!.textContent).toBe('tight');
    expect(container.querySelector('em')!.textContent).toBe('every');
    expect(container.querySelectorAll('ul li')).toHaveLength(2);
    expect(container.querySelectorAll('ol li')).toHaveLength(1);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://example.com/guide');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(container.querySelector('code')!.textContent).toBe('min_width');
  });

  it('shows raw HTML as text and drops javascript: links', () => {
    const { container } = render(
      <Markdown source={'<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) ![x](javascript:alert(2))'} />,
    );
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
  });
});
