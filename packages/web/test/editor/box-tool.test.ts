import { describe, expect, it } from 'vitest';
import { BOX_TASK, drag, click, makeEditor, press } from './helpers.ts';

describe('box tool', () => {
  it('creates a box from a drag, labelled with the first label and selected', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 180, y: 150 });
    const [box] = editor.store.getAll();
    expect(box).toMatchObject({ type: 'box', label: 'cat', left: 100, top: 100, width: 80, height: 50 });
    expect(editor.getSelectedIds()).toEqual([box.id]);
    expect(editor.getState().toolState).toBe('box.idle');
  });

  it('creates the same box when dragged from bottom-right to top-left', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 180, y: 150 }, { x: 100, y: 100 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 100, top: 100, width: 80, height: 50 });
  });

  it('discards a box smaller than min_width and says why', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 105, y: 150 });
    expect(editor.store.size).toBe(0);
    expect(editor.getState().notice).toMatch(/at least 10×10/);
    expect(editor.history.canUndo).toBe(false);
  });

  it('draws nothing on a click without a drag', () => {
    const editor = makeEditor(BOX_TASK);
    click(editor, { x: 100, y: 100 });
    expect(editor.store.size).toBe(0);
  });

  it('keeps the box inside the image', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 950, y: 700 }, { x: 1200, y: 900 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 950, top: 700, width: 50, height: 100 });
  });

  it('uses the label picked with a number key for the next box', () => {
    const editor = makeEditor(BOX_TASK);
    press(editor, 'Escape');
    press(editor, '2');
    drag(editor, { x: 10, y: 10 }, { x: 60, y: 60 });
    expect(editor.store.getAll()[0].label).toBe('dog');
  });

  it('abandons the box being drawn on Escape', () => {
    const editor = makeEditor(BOX_TASK);
    editor.pointerDown({ screen: { x: 10, y: 10 }, button: 0 });
    editor.pointerMove({ screen: { x: 80, y: 80 } });
    expect(editor.store.size).toBe(1);
    press(editor, 'Escape');
    expect(editor.store.size).toBe(0);
    expect(editor.getState().toolState).toBe('box.idle');
  });

  it('maps screen to image pixels through the camera', () => {
    const editor = makeEditor(BOX_TASK);
    editor.setCamera({ x: 50, y: 20, zoom: 2 });
    drag(editor, { x: 250, y: 220 }, { x: 450, y: 320 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 100, top: 100, width: 100, height: 50 });
  });
});
