import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { TaskView } from '../../src/workbench/TaskView.tsx';
import { makeTask } from './helpers.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';

// Editors, previews and the Markdown renderer load their code on first render (lazy-part.tsx);
// fetched up front here, the components render at once, as after their first use in the app.
beforeAll(() => preloadLazyParts());

describe('problems listed after a submit', () => {
  it('go away as soon as the answer is fixed, without another submit', () => {
    const task = makeTask('categorization', { categories: ['cat', 'dog'] });
    const onSubmit = vi.fn(async () => {});
    render(<TaskView task={task} onSubmit={onSubmit} onSkip={async () => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('Choose a category.');
    fireEvent.click(screen.getByLabelText(/cat/));
    expect(screen.queryByRole('alert', { name: 'Problems' })).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
