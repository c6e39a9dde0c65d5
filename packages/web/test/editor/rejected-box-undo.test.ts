import { describe, expect, it } from 'vitest';
import { BOX_TASK, drag, makeEditor } from './helpers.ts';

describe('a box rejected as too small', () => {
  it('leaves Undo disabled in the state the toolbar reads, with nothing to undo', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 105, y: 150 });
    expect(editor.store.size).toBe(0);
    expect(editor.getState().canUndo).toBe(false);
  });

  it('keeps Undo pointing at the last real box', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 180, y: 150 });
    drag(editor, { x: 300, y: 100 }, { x: 303, y: 150 });
    expect(editor.getState().canUndo).toBe(true);
    editor.undo();
    expect(editor.store.size).toBe(0);
    expect(editor.getState().canUndo).toBe(false);
  });
});
