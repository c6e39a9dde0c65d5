import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { NerAnnotator } from '../../src/families/ner/NerAnnotator.tsx';
import { addSpan, trimSpan } from '../../src/families/ner/spans.ts';
import { makeTask, sourceCatcher } from './helpers.tsx';

const TEXT = 'Ada Lovelace was born in London.';

/** Selects characters [start, end) of the rendered text, as a mouse drag would. */
function selectText(container: HTMLElement, start: number, end: number) {
  const textNode = container.querySelector('[data-start="0"]')!.firstChild!;
  const range = document.createRange();
  range.setStart(textNode, start);
  range.setEnd(textNode, end);
  const selection = window.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

describe('named entity recognition', () => {
  it('labels a selected span with character offsets and its text', () => {
    const catcher = sourceCatcher();
    const task = makeTask('namedentityrecognition', { text: TEXT, labels: [{ name: 'PER', description: 'A person' }, 'LOC'] });
    render(<NerAnnotator task={task} onReady={catcher.onReady} onChange={() => {}} />);
    selectText(screen.getByTestId('ner-text'), 0, 13); // "Ada Lovelace " — trailing space is trimmed
    fireEvent.click(screen.getByRole('button', { name: /PER/ }));
    expect(catcher.response()).toEqual({ annotations: [{ start: 0, end: 12, label: 'PER', text: 'Ada Lovelace' }] });
    expect(screen.getByTestId('ner-text').querySelector('mark[data-label="PER"]')!.textContent).toContain('Ada Lovelace');
  });

  it('labels a span in text after an existing entity and removes an entity on click', () => {
    const catcher = sourceCatcher();
    const task = makeTask('namedentityrecognition', { text: TEXT, labels: ['PER', 'LOC'] });
    const saved = { annotations: [{ start: 0, end: 12, label: 'PER', text: 'Ada Lovelace' }] };
    render(<NerAnnotator task={task} initialResponse={saved} onReady={catcher.onReady} onChange={() => {}} />);
    const after = screen.getByTestId('ner-text').querySelector('[data-start="12"]')!.firstChild!;
    const range = document.createRange();
    range.setStart(after, 13); // "London" starts at 25 = 12 + 13
    range.setEnd(after, 19);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
    fireEvent.click(screen.getByRole('button', { name: /LOC/ }));
    expect(catcher.response()).toMatchObject({ annotations: [{ label: 'PER' }, { start: 25, end: 31, label: 'LOC', text: 'London' }] });
    fireEvent.click(screen.getByTestId('ner-text').querySelector('mark[data-label="PER"]')!);
    expect(catcher.response()).toMatchObject({ annotations: [{ label: 'LOC' }] });
  });

  it('refuses overlapping spans and empty selections', () => {
    expect(addSpan([{ start: 0, end: 5, label: 'A' }], { start: 3, end: 8, label: 'B' })).toMatch(/overlaps/);
    expect(addSpan([], { start: 4, end: 4, label: 'B' })).toMatch(/Select some text/);
    expect(trimSpan('  hi  ', 0, 6)).toEqual({ start: 2, end: 4 });
  });
});
