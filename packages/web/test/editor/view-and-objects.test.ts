import { describe, expect, it } from 'vitest';
import { BOX_TASK, click, drag, makeEditor, press } from './helpers.ts';
import { shortcutsFor } from '../../src/editor/shortcuts.ts';

/** Three boxes far apart, select tool active, nothing selected. */
function threeBoxes() {
  const editor = makeEditor(BOX_TASK);
  editor.load({
    annotations: [
      { uuid: 'a', type: 'box', label: 'cat', left: 10, top: 10, width: 50, height: 50 },
      { uuid: 'b', type: 'box', label: 'dog', left: 200, top: 10, width: 50, height: 50 },
      { uuid: 'c', type: 'box', label: 'cat', left: 900, top: 700, width: 50, height: 50 },
    ],
  });
  press(editor, 'v');
  return editor;
}

describe('the object list: select, hide, lock, jump to', () => {
  it('steps through objects with N and Shift+N, wrapping around', () => {
    const editor = threeBoxes();
    press(editor, 'n');
    expect(editor.getSelectedIds()).toEqual(['a']);
    press(editor, 'n');
    press(editor, 'n');
    expect(editor.getSelectedIds()).toEqual(['c']);
    press(editor, 'n');
    expect(editor.getSelectedIds()).toEqual(['a']);
    press(editor, 'N', { shiftKey: true });
    expect(editor.getSelectedIds()).toEqual(['c']);
  });

  it('pans to an object out of view when jumping to it, keeping the zoom', () => {
    const editor = threeBoxes();
    editor.setCamera({ x: 0, y: 0, zoom: 4 });
    editor.selectAndReveal('c');
    const { camera } = editor.getState();
    expect(camera.zoom).toBe(4);
    // The box's centre (925, 725) is now in the middle of the 1000×800 viewport.
    expect(925 * camera.zoom + camera.x).toBeCloseTo(500);
    expect(725 * camera.zoom + camera.y).toBeCloseTo(400);
  });

  it('hides the selection with H (no longer hit or selected) and shows all again with H on nothing', () => {
    const editor = threeBoxes();
    editor.setSelection(['a']);
    press(editor, 'h');
    expect(editor.isHidden('a')).toBe(true);
    expect(editor.getSelectedIds()).toEqual([]);
    click(editor, { x: 30, y: 30 });
    expect(editor.getSelectedIds()).toEqual([]);
    press(editor, 'h');
    expect(editor.isHidden('a')).toBe(false);
  });

  it('hides every object with Shift+H, and N skips hidden ones', () => {
    const editor = threeBoxes();
    press(editor, 'H', { shiftKey: true });
    expect(['a', 'b', 'c'].every((id) => editor.isHidden(id))).toBe(true);
    expect(press(editor, 'n')).toBe(false);
    press(editor, 'H', { shiftKey: true });
    expect(editor.isHidden('b')).toBe(false);
  });

  it('locks the selection with Shift+L: it cannot be moved, deleted or relabelled until unlocked', () => {
    const editor = threeBoxes();
    editor.setSelection(['a']);
    press(editor, 'L', { shiftKey: true });
    expect(editor.isLocked('a')).toBe(true);
    expect(editor.getState().toolId).toBe('select'); // Shift+L is not the line tool
    press(editor, 'ArrowRight');
    press(editor, 'Delete');
    press(editor, '2');
    expect(editor.store.get('a')).toMatchObject({ left: 10, label: 'cat' });
    drag(editor, { x: 30, y: 30 }, { x: 80, y: 80 }); // not grabbed on the canvas either
    expect(editor.store.get('a')).toMatchObject({ left: 10 });
    editor.setSelection(['a']);
    press(editor, 'L', { shiftKey: true });
    press(editor, 'Delete');
    expect(editor.store.get('a')).toBeUndefined();
  });
});

describe('labels and view', () => {
  it('cycles the label with ] and [ (relabelling the selection)', () => {
    const editor = threeBoxes();
    editor.setSelection(['a']);
    press(editor, ']');
    expect(editor.store.get('a')!.label).toBe('dog');
    press(editor, ']');
    expect(editor.store.get('a')!.label).toBe('cat');
    press(editor, '[');
    expect(editor.store.get('a')!.label).toBe('dog');
  });

  it('toggles fill with F, labels with T, attributes in labels with Shift+T; sets brightness and contrast', () => {
    const editor = threeBoxes();
    press(editor, 'f');
    press(editor, 't');
    press(editor, 'T', { shiftKey: true });
    editor.setView({ brightness: 140, contrast: 80, fillOpacity: 0.4 });
    expect(editor.getState().view).toMatchObject({ showFill: false, showLabels: false, showAttributes: true, brightness: 140, contrast: 80, fillOpacity: 0.4 });
  });

  it('shows a crosshair at the pointer while drawing, not while selecting', () => {
    const editor = makeEditor(BOX_TASK);
    editor.pointerMove({ screen: { x: 40, y: 50 } });
    expect(editor.getState().pointer).toEqual({ x: 40, y: 50 });
    editor.pointerLeave();
    expect(editor.getState().pointer).toBeNull();
    press(editor, 'v');
    editor.pointerMove({ screen: { x: 40, y: 50 } });
    expect(editor.getState().pointer).toBeNull();
  });

  it('pans with space held and a drag, even with a drawing tool, drawing nothing', () => {
    const editor = makeEditor(BOX_TASK);
    press(editor, ' ');
    expect(editor.getState().spaceHeld).toBe(true);
    drag(editor, { x: 100, y: 100 }, { x: 160, y: 130 });
    expect(editor.getState().camera).toMatchObject({ x: 60, y: 30 });
    expect(editor.store.size).toBe(0);
    editor.keyUp({ key: ' ' });
    expect(editor.getState().spaceHeld).toBe(false);
  });

  it('lists every shortcut the task can use for the help overlay, and only those', () => {
    const editor = makeEditor(BOX_TASK);
    const keys = shortcutsFor(editor).map((shortcut) => shortcut.keys);
    expect(keys).toEqual(expect.arrayContaining(['V', 'B', 'N', 'Shift+N', 'H', 'Shift+H', 'F', 'T', ']', '[', 'Del', 'Ctrl+Z', 'Space + drag']));
    expect(keys).not.toContain('P'); // no polygons in this task
    expect(keys).not.toContain('I'); // no links (the link tool's key)
    expect(keys).not.toContain('R'); // boxes cannot rotate
  });
});
