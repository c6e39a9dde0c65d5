import { describe, expect, it } from 'vitest';
import { BOX_TASK, click, drag, makeEditor, press } from './helpers.ts';
import type { BoxShape, PolygonShape } from '../../src/editor/types.ts';

const POLYGON_TASK = { geometries: { polygon: { objects_to_annotate: ['roof'] }, box: { objects_to_annotate: ['car'] } } };

describe('select tool', () => {
  it('moves a box by dragging it, as one undo step', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    drag(editor, { x: 150, y: 150 }, { x: 180, y: 170 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 130, top: 120, width: 100, height: 100 });
    editor.undo();
    expect(editor.store.getAll()[0]).toMatchObject({ left: 100, top: 100 });
  });

  it('selects the box under a click and clears the selection on empty canvas', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    drag(editor, { x: 300, y: 300 }, { x: 400, y: 400 });
    const [first] = editor.store.getIds();
    press(editor, 'v');
    click(editor, { x: 150, y: 150 });
    expect(editor.getSelectedIds()).toEqual([first]);
    click(editor, { x: 600, y: 50 });
    expect(editor.getSelectedIds()).toEqual([]);
  });

  it('adds to the selection with shift-click', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    drag(editor, { x: 300, y: 300 }, { x: 400, y: 400 });
    press(editor, 'v');
    click(editor, { x: 150, y: 150 });
    click(editor, { x: 350, y: 350 }, { shiftKey: true });
    expect(editor.getSelectedIds()).toHaveLength(2);
  });

  it('resizes a box by its bottom-right handle', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    drag(editor, { x: 200, y: 200 }, { x: 260, y: 240 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 100, top: 100, width: 160, height: 140 });
    expect(editor.getState().toolState).toBe('select.idle');
  });

  it('never resizes a box below min_width and min_height', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    drag(editor, { x: 200, y: 200 }, { x: 102, y: 103 });
    const box = editor.store.getAll()[0] as BoxShape;
    expect(box.width).toBe(10);
    expect(box.height).toBe(10);
    expect(box.left).toBe(100);
  });

  it('flips a box dragged past its opposite edge', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    drag(editor, { x: 200, y: 150 }, { x: 50, y: 150 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 50, width: 50, top: 100, height: 100 });
  });

  it('moves one polygon vertex in the editing-vertex state', () => {
    const editor = makeEditor(POLYGON_TASK);
    press(editor, 'p');
    click(editor, { x: 100, y: 100 });
    click(editor, { x: 200, y: 100 });
    click(editor, { x: 150, y: 200 });
    press(editor, 'Enter');
    press(editor, 'v');
    editor.pointerDown({ screen: { x: 200, y: 100 }, button: 0 });
    expect(editor.getState().toolState).toBe('select.editing-vertex');
    editor.pointerMove({ screen: { x: 250, y: 90 } });
    editor.pointerUp({ screen: { x: 250, y: 90 }, button: 0 });
    const polygon = editor.store.getAll()[0] as PolygonShape;
    expect(polygon.vertices).toEqual([{ x: 100, y: 100 }, { x: 250, y: 90 }, { x: 150, y: 200 }]);
  });

  it('inserts a vertex on a double-click on an edge and removes one on alt-click', () => {
    const editor = makeEditor(POLYGON_TASK);
    press(editor, 'p');
    click(editor, { x: 100, y: 100 });
    click(editor, { x: 200, y: 100 });
    click(editor, { x: 200, y: 200 });
    click(editor, { x: 100, y: 200 });
    press(editor, 'Enter');
    press(editor, 'v');
    editor.doubleClick({ screen: { x: 150, y: 100 } });
    expect((editor.store.getAll()[0] as PolygonShape).vertices).toHaveLength(5);
    click(editor, { x: 150, y: 100 }, { altKey: true });
    expect((editor.store.getAll()[0] as PolygonShape).vertices).toHaveLength(4);
  });

  it('nudges the selection with the arrow keys', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    press(editor, 'ArrowRight');
    press(editor, 'ArrowDown', { shiftKey: true });
    expect(editor.store.getAll()[0]).toMatchObject({ left: 101, top: 110 });
  });

  it('deletes the selection with Delete, and undo brings it back in place', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    drag(editor, { x: 300, y: 300 }, { x: 400, y: 400 });
    const ids = editor.store.getIds();
    editor.setSelection([ids[0]]);
    press(editor, 'Delete');
    expect(editor.store.getIds()).toEqual([ids[1]]);
    press(editor, 'z', { ctrlKey: true });
    expect(editor.store.getIds()).toEqual(ids);
    press(editor, 'z', { ctrlKey: true, shiftKey: true });
    expect(editor.store.getIds()).toEqual([ids[1]]);
  });

  it('cancels a drag in progress on Escape, restoring the shape', () => {
    const editor = makeEditor(BOX_TASK);
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    press(editor, 'v');
    editor.pointerDown({ screen: { x: 150, y: 150 }, button: 0 });
    editor.pointerMove({ screen: { x: 300, y: 300 } });
    press(editor, 'Escape');
    expect(editor.store.getAll()[0]).toMatchObject({ left: 100, top: 100 });
  });
});
