import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { TaskView } from '../../src/workbench/TaskView.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';
import { ChatStore } from '../../src/families/chat/chat-store.ts';
import type { DraftPart } from '../../src/api/types.ts';
import { makeTask } from './helpers.tsx';
import { FORMATTING_PARAMS as PARAMS, chatDraft as draft } from './chat-drafts.ts';

// The chat editor's autosave sends the turns an edit touched, not the whole thread (docs/chat.md, drafts).

// Editors load lazily: the chat editor's chunk is loaded first, so TaskView draws it at once.
beforeAll(() => preloadLazyParts());
afterEach(() => vi.useRealTimers());

describe('chat drafts saved by the part', () => {
  it('has nothing to save after opening a saved draft, then names only the edited turn, with increasing revisions', () => {
    const store = new ChatStore(PARAMS, draft(5), true);
    expect(store.draftPatch().parts).toEqual([]);
    store.editText(3, 1, 'changed');
    store.editText(3, 1, 'changed again');
    store.answer({ turn: 1, message: 1 }, PARAMS.annotations[0] as never, { value: 2 });
    const { parts } = store.draftPatch();
    expect(parts.map((part) => part.path)).toEqual(['/threads/0/turns/3', '/threads/0/turns/1']);
    expect((parts[0].value as any).messages[1].content.text).toBe('changed again');
    expect(parts[1].revision).toBeGreaterThan(parts[0].revision);
  });

  it('forgets what was saved, but keeps a part edited again while its save was on the way', () => {
    const store = new ChatStore(PARAMS, draft(3), true);
    store.editText(0, 1, 'first');
    store.editText(2, 1, 'first');
    const patch = store.draftPatch();
    store.editText(2, 1, 'second'); // edited while the patch is in flight
    patch.saved();
    const next = store.draftPatch().parts;
    expect(next.map((part) => part.path)).toEqual(['/threads/0/turns/2']);
    expect((next[0].value as any).messages[1].content.text).toBe('second');
  });

  it('sends the whole thread once when the server holds no draft of it (a new task, or a response under review)', () => {
    const store = new ChatStore(PARAMS, draft(2));
    store.addUserTurn('A third question');
    const parts = store.draftPatch().parts;
    expect(parts.map((part) => part.path)).toEqual(['/threads/0', '/threads/0/turns/2']);
    expect((parts[0].value as any).turns.length).toBe(3);
  });

  it('autosaves one turn of a 40-turn draft through onSaveDraftParts, never the whole response', async () => {
    vi.useFakeTimers();
    const onSaveDraft = vi.fn(async (_response: unknown) => {});
    const onSaveDraftParts = vi.fn(async (_parts: DraftPart[]) => {});
    render(<TaskView task={makeTask('chat', PARAMS)} initialResponse={draft(40)} initialIsDraft onSaveDraft={onSaveDraft} onSaveDraftParts={onSaveDraftParts} onSubmit={async () => {}} onSkip={async () => {}} />);
    // jsdom has no IntersectionObserver: every turn is drawn.
    const turn = screen.getByRole('region', { name: 'Turn 40' });
    fireEvent.click(within(turn).getByRole('radio', { name: /^3 / }));
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await act(async () => vi.advanceTimersByTime(2500));
    expect(onSaveDraft).not.toHaveBeenCalled();
    expect(onSaveDraftParts).toHaveBeenCalledTimes(1);
    const [parts] = onSaveDraftParts.mock.calls[0];
    expect(parts.map((part) => part.path)).toEqual(['/threads/0/turns/39']);
    expect((parts[0].value as any).messages[1].annotations).toEqual([{ key: 'formatting', type: 'integer', value: 3, title: 'Formatting', possible_values: [1, 2, 3], labels: ['Bad', 'OK', 'Good'] }]);
    expect(screen.getByText('Draft saved')).toBeTruthy();
  });
});
