import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { TaskView } from '../../src/workbench/TaskView.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';
import { makeTask } from './helpers.tsx';

// Only finished edits make the image draft dirty: the pointer moves of a gesture in progress and a
// gesture that ends rejected neither show "Unsaved changes" nor reach autosave (issue 18).
const TASK = makeTask('imageannotation', {
  attachment: 'https://example.com/street.jpg',
  geometries: { box: { objects_to_annotate: ['car'], min_width: 5, min_height: 5 } },
});

/** Renders the task (its editor chunk preloaded) and hands the clock to the test. */
async function renderTask() {
  vi.useFakeTimers();
  const onSaveDraft = vi.fn(async (_response: unknown) => {});
  render(<TaskView task={TASK} onSaveDraft={onSaveDraft} onSubmit={async () => {}} onSkip={async () => {}} />);
  return { canvas: screen.getByTestId('canvas'), onSaveDraft };
}


beforeAll(() => preloadLazyParts());
afterEach(() => vi.useRealTimers());

describe('the image draft counts finished edits only', () => {
  it('stays clean after a box rejected as too small', async () => {
    const { canvas, onSaveDraft } = await renderTask();
    fireEvent.pointerDown(canvas, { clientX: 100, clientY: 100, button: 0, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 102, clientY: 150, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 102, clientY: 150, button: 0, pointerId: 1 });
    expect(screen.getByText('0 annotations')).toBeTruthy();
    expect(screen.queryByText('Unsaved changes')).toBeNull();
    await act(async () => vi.advanceTimersByTime(5000));
    expect(onSaveDraft).not.toHaveBeenCalled();
  });

  it('does not save a box while it is being drawn, and saves it once the pointer is released', async () => {
    const { canvas, onSaveDraft } = await renderTask();
    fireEvent.pointerDown(canvas, { clientX: 20, clientY: 30, button: 0, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 60, clientY: 60, pointerId: 1 });
    expect(screen.queryByText('Unsaved changes')).toBeNull();
    // The labeler holds the half-drawn box longer than the autosave delay.
    await act(async () => vi.advanceTimersByTime(5000));
    expect(onSaveDraft).not.toHaveBeenCalled();
    fireEvent.pointerMove(canvas, { clientX: 120, clientY: 90, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 120, clientY: 90, button: 0, pointerId: 1 });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await act(async () => vi.advanceTimersByTime(2000));
    expect(onSaveDraft).toHaveBeenCalledTimes(1);
    expect(onSaveDraft.mock.calls[0][0]).toMatchObject({ annotations: [{ type: 'box', left: 20, top: 30, width: 100, height: 60 }] });
  });

  it('counts an undo as an edit', async () => {
    const { canvas, onSaveDraft } = await renderTask();
    fireEvent.pointerDown(canvas, { clientX: 20, clientY: 30, button: 0, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 120, clientY: 90, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 120, clientY: 90, button: 0, pointerId: 1 });
    await act(async () => vi.advanceTimersByTime(2000));
    expect(screen.getByText('Draft saved')).toBeTruthy();
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await act(async () => vi.advanceTimersByTime(2000));
    expect(onSaveDraft).toHaveBeenCalledTimes(2);
    expect(onSaveDraft.mock.calls[1][0]).toMatchObject({ annotations: [] });
  });
});
