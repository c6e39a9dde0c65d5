import { describe, expect, it } from 'vitest';
import { drag, makeEditor, press } from './helpers.ts';
import type { BoxShape } from '../../src/editor/types.ts';

const ROTATING = { geometries: { box: { objects_to_annotate: ['car'], can_rotate: true, min_width: 10, min_height: 10 } } };

/** A 100×40 box centred on (150, 120), selected, with the select tool active. */
function editorWithBox() {
  const editor = makeEditor(ROTATING);
  drag(editor, { x: 100, y: 100 }, { x: 200, y: 140 });
  press(editor, 'v');
  return editor;
}

const box = (editor: ReturnType<typeof makeEditor>) => editor.store.getAll()[0] as BoxShape;

describe('rotated boxes (can_rotate)', () => {
  it('offers a rotation handle only when the task allows rotation', () => {
    const rotating = editorWithBox();
    expect(rotating.handlesOf(box(rotating)).map((handle) => handle.id)).toContain('rotate');
    const plain = makeEditor({ geometries: { box: { objects_to_annotate: ['car'] } } });
    drag(plain, { x: 100, y: 100 }, { x: 200, y: 140 });
    expect(plain.handlesOf(plain.store.getAll()[0]).map((handle) => handle.id)).not.toContain('rotate');
    expect(plain.getResponse().annotations[0]).not.toHaveProperty('rotation');
    expect(plain.getResponse().annotations[0]).not.toHaveProperty('vertices');
  });

  it('turns the box by dragging its rotation handle, about its centre', () => {
    const editor = editorWithBox();
    const handle = editor.handlesOf(box(editor)).find((candidate) => candidate.id === 'rotate')!;
    // Drag the handle to the right of the centre: a quarter turn clockwise.
    drag(editor, handle.point, { x: 250, y: 120 });
    expect(box(editor).rotation).toBeCloseTo(Math.PI / 2, 5);
    expect(box(editor)).toMatchObject({ left: 100, top: 100, width: 100, height: 40 });
  });

  it('snaps the rotation to 15° steps with Shift', () => {
    const editor = editorWithBox();
    const handle = editor.handlesOf(box(editor)).find((candidate) => candidate.id === 'rotate')!;
    drag(editor, handle.point, { x: 190, y: 70 }, { shiftKey: true });
    const degrees = (box(editor).rotation * 180) / Math.PI;
    expect(degrees % 15).toBeCloseTo(0, 6);
    expect(degrees).toBeGreaterThan(0);
  });

  it('saves rotation and the four corners TL, TR, BR, BL, with left/top/width/height of the unrotated box', () => {
    const editor = editorWithBox();
    editor.rotateSelected(Math.PI / 2);
    const [annotation] = editor.getResponse().annotations;
    expect(annotation).toMatchObject({ left: 100, top: 100, width: 100, height: 40, rotation: 1.570796 });
    // Quarter turn clockwise about (150, 120): the unrotated top-left (100, 100) lands at (170, 70).
    expect(annotation.vertices).toEqual([
      { x: 170, y: 70 },
      { x: 170, y: 170 },
      { x: 130, y: 170 },
      { x: 130, y: 70 },
    ]);
  });

  it('saves rotation 0 and the corners for an unrotated box on a can_rotate task', () => {
    const editor = editorWithBox();
    expect(editor.getResponse().annotations[0]).toMatchObject({
      rotation: 0,
      vertices: [
        { x: 100, y: 100 },
        { x: 200, y: 100 },
        { x: 200, y: 140 },
        { x: 100, y: 140 },
      ],
    });
  });

  it('rotates with R and back with Shift+R, normalised to [0, 2π)', () => {
    const editor = editorWithBox();
    press(editor, 'R', { shiftKey: true });
    expect(box(editor).rotation).toBeCloseTo(2 * Math.PI - Math.PI / 36, 6);
    press(editor, 'r');
    expect(box(editor).rotation).toBe(0);
    press(editor, 'r');
    expect(box(editor).rotation).toBeCloseTo(Math.PI / 36, 6);
    editor.undo();
    expect(box(editor).rotation).toBe(0);
  });

  it('hits a rotated box inside its turned outline, not in its unrotated corners', () => {
    const editor = editorWithBox();
    editor.rotateSelected(Math.PI / 2);
    // (150, 160) is inside the turned box (it now spans y 70–170) but below the unrotated one.
    expect(editor.shapeAt({ x: 150, y: 160 })?.id).toBe(box(editor).id);
    // (105, 105) is inside the unrotated box's corner but outside the turned one (x 130–170).
    expect(editor.shapeAt({ x: 105, y: 105 })).toBeUndefined();
  });

  it('resizes a rotated box in its own frame, keeping the opposite corner in place', () => {
    const editor = editorWithBox();
    editor.rotateSelected(Math.PI / 2);
    const before = editor.getResponse().annotations[0].vertices as Array<{ x: number; y: number }>;
    const corner = editor.handlesOf(box(editor)).find((handle) => handle.id === 'bottom-right')!;
    // The box's own "right" points down the image after a quarter turn: drag 20 px further down.
    drag(editor, corner.point, { x: corner.point.x, y: corner.point.y + 20 });
    expect(box(editor).width).toBeCloseTo(120, 6);
    expect(box(editor).height).toBeCloseTo(40, 6);
    const after = editor.getResponse().annotations[0].vertices as Array<{ x: number; y: number }>;
    expect(after[0]).toEqual(before[0]); // the top-left corner did not move
  });

  it('reads rotation back from a hypothesis and ignores integer_pixels for rotated boxes', () => {
    const editor = makeEditor({ geometries: { box: { objects_to_annotate: ['car'], can_rotate: true, integer_pixels: true } } });
    editor.load({ annotations: [{ uuid: 'r1', type: 'box', label: 'car', left: 10.4, top: 20.6, width: 30, height: 10, rotation: 0.5236 }] });
    expect(editor.store.get('r1')).toMatchObject({ rotation: 0.5236 });
    expect(editor.getResponse().annotations[0]).toMatchObject({ left: 10.4, top: 20.6, rotation: 0.5236 });
  });
});
