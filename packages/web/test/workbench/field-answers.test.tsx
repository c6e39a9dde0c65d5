import { beforeAll, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { ResponsePreview } from '../../src/dashboard/ResponsePreview.tsx';
import type { FullTask } from '../../src/api/dashboard-types.ts';
import { makeTask } from './helpers.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';

// Editors, previews and the Markdown renderer load their code on first render (lazy-part.tsx);
// fetched up front here, the components render at once, as after their first use in the app.
beforeAll(() => preloadLazyParts());

const fullTask = (type: string, params: Record<string, unknown>) => makeTask(type, params) as unknown as FullTask;

describe('field answers in the response preview', () => {
  it('reads a textcollection response from annotations, by field title, field sets nested', () => {
    const task = fullTask('textcollection', {
      fields: [
        { field_id: 'summary', type: 'text', title: 'Summary' },
        { field_id: 'genre', type: 'category', title: 'Genre', max_choices: 2, choices: [{ label: 'Rock', value: 'rock', subchoices: [{ label: 'Punk', value: 'punk' }] }, { label: 'Jazz', value: 'jazz' }] },
        { field_id: 'spam', type: 'boolean', title: 'Spam' },
        { field_id: 'artist', type: 'field_set', title: 'Artist', fields: [{ field_id: 'name', type: 'text', title: 'Name' }] },
      ],
    });
    render(<ResponsePreview task={task} response={{ annotations: { summary: 'Loud', genre: ['punk', 'jazz'], spam: false, artist: { name: 'The Band' } } }} />);
    const answers = screen.getByLabelText('Answers');
    const answerOf = (id: string) => answers.querySelector(`[data-field="${id}"] > dd`)!.textContent;
    expect(answerOf('summary')).toBe('Loud');
    expect(answerOf('genre')).toBe('Rock › Punk, Jazz');
    expect(answerOf('spam')).toBe('No');
    expect(within(answers.querySelector('[data-field="artist"]') as HTMLElement).getByText('The Band')).toBeTruthy();
    expect(screen.getByText(/"annotations"/)).toBeTruthy();
  });

  it('reads datacollection answers from fields, and shows none for a response in the other shape', () => {
    const task = fullTask('datacollection', { fields: { phone: 'Phone number' } });
    const { unmount } = render(<ResponsePreview task={task} response={{ fields: { phone: '555-0100' } }} />);
    expect(screen.getByLabelText('Answers').textContent).toContain('555-0100');
    unmount();
    render(<ResponsePreview task={task} response={{ annotations: { phone: '555-0100' } }} />);
    expect(screen.queryByLabelText('Answers')).toBeNull();
  });
});
