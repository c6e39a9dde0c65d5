import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW } from '../../src/editor/editor.ts';
import { paintShapes } from '../../src/editor/paint-shapes.ts';
import { drag, makeEditor } from './helpers.ts';
import { recordingContext } from './recording-context.ts';

const TASK = { attachment: 'https://example.com/street.jpg', geometries: { box: { objects_to_annotate: ['car', 'person'] } } };

describe('painting an editor’s shapes on a canvas', () => {
  it('places each box through the camera with a screen-sized stroke, thicker when selected, and its caption above it', () => {
    const editor = makeEditor(TASK);
    editor.setTool('box');
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 150 });
    drag(editor, { x: 300, y: 300 }, { x: 340, y: 360 });
    const [first, second] = editor.store.getIds();
    const { context, drawn } = recordingContext({ width: 1000, height: 800 });
    paintShapes(context, editor, { camera: { x: 10, y: 20, zoom: 2 }, scale: 1, view: DEFAULT_VIEW, selected: new Set([second]) });
    const strokes = drawn.filter((entry) => entry.op === 'stroke');
    expect(strokes.map((entry) => entry.points)).toEqual([
      [
        [210, 220],
        [410, 320],
      ],
      [
        [610, 620],
        [690, 740],
      ],
    ]);
    expect(strokes.map((entry) => entry.lineWidth)).toEqual([2, 3]);
    expect(drawn.filter((entry) => entry.op === 'fill').map((entry) => entry.alpha)).toEqual([0.15, 0.35]);
    expect(drawn.filter((entry) => entry.op === 'text')).toEqual([
      { op: 'text', text: 'car', at: [210, 220] },
      { op: 'text', text: 'car', at: [610, 620] },
    ]);
    expect(first).not.toBe(second);
  });

  it('leaves out hidden shapes, and the fill and captions when the view turns them off', () => {
    const editor = makeEditor(TASK);
    editor.setTool('box');
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 150 });
    drag(editor, { x: 300, y: 300 }, { x: 340, y: 360 });
    editor.setHidden([editor.store.getIds()[0]], true);
    const { context, drawn } = recordingContext({ width: 1000, height: 800 });
    paintShapes(context, editor, { camera: { x: 0, y: 0, zoom: 1 }, scale: 2, view: { ...DEFAULT_VIEW, showFill: false, showLabels: false }, selected: new Set() });
    expect(drawn.map((entry) => entry.op)).toEqual(['stroke']);
    expect(drawn[0]).toMatchObject({ lineWidth: 4, points: [
      [600, 600],
      [680, 720],
    ] });
  });

  it('paints points as filled dots of one screen size at any zoom, and skips shapes wholly outside the viewport', () => {
    const editor = makeEditor({ attachment: 'https://example.com/street.jpg', geometries: { point: { objects_to_annotate: ['head'] }, box: { objects_to_annotate: ['car'] } } });
    editor.load({
      annotations: [
        { uuid: 'p1', type: 'point', label: 'head', x: 40, y: 60 },
        { uuid: 'far', type: 'box', label: 'car', left: 5000, top: 5000, width: 10, height: 10 },
      ],
    });
    for (const zoom of [0.5, 4]) {
      const { context, drawn } = recordingContext({ width: 1000, height: 800 });
      const painted = paintShapes(context, editor, { camera: { x: 0, y: 0, zoom }, scale: 1, view: DEFAULT_VIEW, selected: new Set() });
      expect(painted.map((shape) => shape.id)).toEqual(['p1']);
      expect(drawn.filter((entry) => entry.op === 'fill').map((entry) => entry.points)).toEqual([[[40 * zoom, 60 * zoom], [4.5]]]);
      expect(drawn.filter((entry) => entry.op === 'stroke')).toEqual([]);
      expect(drawn.filter((entry) => entry.op === 'text').map((entry) => entry.text)).toEqual(['head']);
    }
  });
});
