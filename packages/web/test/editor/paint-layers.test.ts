import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, type Editor } from '../../src/editor/editor.ts';
import { LayeredShapesPainter } from '../../src/editor/paint-layers.ts';
import { makeEditor } from './helpers.ts';
import { recordingContext } from './recording-context.ts';

const TASK = { attachment: 'https://example.com/street.jpg', geometries: { box: { objects_to_annotate: ['car', 'bus'] } } };

/** An editor with `count` 10×10 boxes in rows of 40, 20 px apart, and a painter over two recording canvases. */
function setUp(count: number) {
  const editor = makeEditor(TASK);
  editor.load({
    annotations: Array.from({ length: count }, (_, index) => ({
      uuid: `b${index}`,
      type: 'box',
      label: index % 2 ? 'car' : 'bus',
      left: (index % 40) * 20,
      top: Math.floor(index / 40) * 20,
      width: 10,
      height: 10,
    })),
  });
  editor.setTool('select');
  const still = recordingContext({ width: 1000, height: 800 });
  const moving = recordingContext({ width: 1000, height: 800 });
  const painter = new LayeredShapesPainter(editor);
  const paint = () =>
    painter.paint(still.context, moving.context, { camera: editor.getState().camera, scale: 1, view: editor.getState().view, selected: new Set(editor.getSelectedIds()) });
  return { editor, still, moving, painter, paint };
}

const strokes = (recording: ReturnType<typeof recordingContext>) => recording.drawn.filter((entry) => entry.op === 'stroke');
const captions = (recording: ReturnType<typeof recordingContext>) => recording.drawn.filter((entry) => entry.op === 'text').map((entry) => entry.text);

/** Presses on a box's middle; each later move is one frame's pointer step. */
function press(editor: Editor, x: number, y: number) {
  editor.pointerDown({ screen: { x, y }, button: 0 });
}

describe('painting shapes on a still and a moving layer', () => {
  it('repaints only the dragged box and its caption on each step of a drag among 1,000; the others once when it starts and once when it ends', () => {
    const { editor, still, moving, paint } = setUp(1000);
    expect(paint().still).toHaveLength(1000);
    expect(strokes(still)).toHaveLength(1000);
    const stillPaints = still.counts.paints;

    press(editor, 5 + 20 * 3, 5); // b3
    editor.pointerMove({ screen: { x: 75, y: 5 } });
    const first = paint();
    // The gesture started: the still layer is painted once more, without b3 (and with b3 selected, the selection changed too).
    expect(first.still?.map((shape) => shape.id)).not.toContain('b3');
    expect(first.still).toHaveLength(999);
    expect(first.moving?.map((shape) => shape.id)).toEqual(['b3']);
    expect(still.counts.paints).toBe(stillPaints + 1);

    for (let step = 1; step <= 20; step++) {
      editor.pointerMove({ screen: { x: 75 + step, y: 5 + step } });
      const frame = paint();
      expect(frame.still).toBeNull();
      expect(frame.moving?.map((shape) => shape.id)).toEqual(['b3']);
      // One outline (3 px: selected) and one caption per step, where the box is now.
      expect(strokes(moving).map((entry) => [entry.lineWidth, entry.points])).toEqual([[3, [[70 + step, step], [80 + step, 10 + step]]]]);
      expect(captions(moving)).toEqual(['car']);
    }
    expect(still.counts.paints).toBe(stillPaints + 1);
    expect(moving.counts.paints).toBe(21);

    editor.pointerUp({ screen: { x: 95, y: 25 }, button: 0 });
    const last = paint();
    // Back in the store's order on the still layer, where it was dropped; the moving layer is cleared once.
    expect(last.still).toHaveLength(1000);
    expect(last.still?.[3]).toMatchObject({ id: 'b3', left: 90, top: 20 });
    expect(last.moving).toEqual([]);
    expect(strokes(moving)).toEqual([]);
    expect(paint()).toEqual({ still: null, moving: null });
    expect(moving.counts.paints).toBe(22);
  });

  it('moves a resized box to the moving layer too, and repaints the still one when something else changes mid-gesture', () => {
    const { editor, still, moving, paint } = setUp(3);
    editor.setSelection(['b1']);
    paint();
    // b1 is at 20..30 × 0..10; its bottom-right corner handle is at (30, 10).
    editor.pointerDown({ screen: { x: 30, y: 10 }, button: 0 });
    editor.pointerMove({ screen: { x: 36, y: 16 } });
    expect(editor.getState().toolState).toBe('select.resizing');
    expect(paint().moving?.map((shape) => shape.id)).toEqual(['b1']);
    editor.pointerMove({ screen: { x: 40, y: 20 } });
    expect(paint().still).toBeNull();
    // A hidden flag (or the camera, the view) changes the still layer: it is painted again, still without b1.
    editor.setHidden(['b0'], true);
    const frame = paint();
    expect(frame.still?.map((shape) => shape.id)).toEqual(['b2']);
    expect(strokes(still)).toHaveLength(1);
    expect(strokes(moving)[0].points).toEqual([
      [20, 0],
      [40, 20],
    ]);
    editor.pointerUp({ screen: { x: 40, y: 20 }, button: 0 });
    expect(paint().still?.map((shape) => shape.id)).toEqual(['b1', 'b2']);
  });

  it('puts a box being drawn on the moving layer, and a cancelled gesture back where it was', () => {
    const { editor, moving, paint } = setUp(2);
    paint();
    editor.setTool('box');
    editor.pointerDown({ screen: { x: 300, y: 300 }, button: 0 });
    editor.pointerMove({ screen: { x: 330, y: 340 } });
    // The new box's id joins the store's: the still layer is painted once (without it) as the drawing starts.
    expect(paint().still?.map((shape) => shape.id)).toEqual(['b0', 'b1']);
    editor.pointerMove({ screen: { x: 360, y: 380 } });
    const drawing = paint();
    expect(drawing.still).toBeNull();
    expect(drawing.moving).toHaveLength(1);
    expect(strokes(moving)).toHaveLength(1);
    editor.escape();
    const cancelled = paint();
    expect(cancelled.still?.map((shape) => shape.id)).toEqual(['b0', 'b1']);
    expect(cancelled.moving).toEqual([]);
  });
});
