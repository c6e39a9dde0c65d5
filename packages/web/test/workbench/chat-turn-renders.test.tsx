import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { ChatEditor } from '../../src/families/chat/ChatEditor.tsx';
import { ChatStore } from '../../src/families/chat/chat-store.ts';
import { TaskView } from '../../src/workbench/TaskView.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';
import { makeTask, sourceCatcher } from './helpers.tsx';
import { FORMATTING_PARAMS as PARAMS, chatDraft as draft } from './chat-drafts.ts';

// Which turns the chat editor renders after an edit (docs/chat.md): TurnView wrapped to record the
// index of every turn it draws, so an edit that re-rendered the list of every turn would show here.
const drawn: number[] = [];
vi.mock('../../src/families/chat/TurnView.tsx', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/families/chat/TurnView.tsx')>();
  return {
    ...original,
    TurnView: (props: Parameters<typeof original.TurnView>[0]) => {
      drawn.push(props.index);
      return <original.TurnView {...props} />;
    },
  };
});
// The message box wrapped the same way: it is drawn when the editor above it re-renders it.
let composerDraws = 0;
vi.mock('../../src/families/chat/Composer.tsx', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/families/chat/Composer.tsx')>();
  return {
    ...original,
    Composer: (props: Parameters<typeof original.Composer>[0]) => {
      composerDraws++;
      return <original.Composer {...props} />;
    },
  };
});

// Editors load lazily: the chat editor's chunk is loaded first, so TaskView draws it at once.
beforeAll(() => preloadLazyParts());
afterEach(() => vi.useRealTimers());

describe('chat editor: an edit re-renders its own turn', () => {
  it('tells only the touched turn’s listeners, and keeps every other turn and streaming map as it was', () => {
    const store = new ChatStore(PARAMS, draft(300), true);
    const told: number[] = [];
    for (const index of [5, 6, 299]) store.subscribeTurn(index, () => told.push(index));
    let everyChange = 0;
    store.subscribe(() => everyChange++);
    const turns = store.getState().thread.turns;
    const streaming6 = store.streamingOf(6);

    store.editText(5, 1, 'changed');
    store.markStreaming(299, 1, { endpoint: 'model_a', done: false });
    expect(told).toEqual([5, 299]);
    expect(everyChange).toBe(2);
    expect(store.turnAt(6)).toBe(turns[6]);
    expect(store.turnAt(5)).not.toBe(turns[5]);
    expect(store.streamingOf(6)).toBe(streaming6);
    expect(store.streamingOf(299).get(1)).toEqual({ endpoint: 'model_a', done: false });
  });

  it('typing in one answer and rating it re-render that turn alone, while each edit still reaches the autosave', () => {
    const changes = vi.fn();
    const catcher = sourceCatcher();
    render(<ChatEditor task={makeTask('chat', PARAMS)} initialResponse={draft(12)} initialIsDraft onReady={catcher.onReady} onChange={changes} />);
    const turn = screen.getByRole('region', { name: 'Turn 8' });
    fireEvent.click(within(turn).getByRole('button', { name: 'Edit' }));
    drawn.length = 0;

    const box = within(turn).getByLabelText('Edit model_a');
    for (const text of ['A7 x', 'A7 xy', 'A7 xyz']) fireEvent.change(box, { target: { value: text } });
    act(() => fireEvent.click(within(turn).getByRole('radio', { name: /^3 / })));

    expect(drawn).toEqual([7, 7, 7, 7]);
    expect(changes).toHaveBeenCalledTimes(4);
    const saved = (catcher.response() as ReturnType<typeof draft>).threads[0].turns[7];
    expect(saved.messages[1]).toMatchObject({ content: { text: 'A7 xyz' }, annotations: [{ key: 'formatting', value: 3 }] });
  });

  it('the autosave line changing (unsaved, saving, saved) re-renders neither the editor’s message box nor any turn', async () => {
    vi.useFakeTimers();
    render(<TaskView task={makeTask('chat', PARAMS)} initialResponse={draft(12)} initialIsDraft onSaveDraft={async () => {}} onSaveDraftParts={async () => {}} onSubmit={async () => {}} onSkip={async () => {}} />);
    const turn = screen.getByRole('region', { name: 'Turn 8' });
    drawn.length = 0;
    composerDraws = 0;

    act(() => fireEvent.click(within(turn).getByRole('radio', { name: /^3 / })));
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await act(async () => vi.advanceTimersByTime(2500));
    expect(screen.getByText('Draft saved')).toBeTruthy();

    expect(drawn).toEqual([7]);
    expect(composerDraws).toBe(0);
  });
});
