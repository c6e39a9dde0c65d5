import { describe, expect, it } from 'vitest';
import { drag, click, makeEditor, press } from './helpers.ts';

const ALL_GEOMETRIES = {
  geometries: {
    box: { objects_to_annotate: ['car'] },
    polygon: { objects_to_annotate: ['roof'] },
    line: { objects_to_annotate: ['lane'] },
    point: { objects_to_annotate: ['eye'] },
    ellipse: { objects_to_annotate: ['wheel'] },
    cuboid: { objects_to_annotate: ['truck'] },
  },
};

describe('saving in the Scale response shape', () => {
  it('writes imageannotation boxes with uuid, type, label, attributes and geometry', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    press(editor, 'b');
    drag(editor, { x: 10.5, y: 20 }, { x: 110.25, y: 70 });
    const response = editor.getResponse();
    expect(response).toEqual({
      annotations: [
        { uuid: editor.store.getIds()[0], type: 'box', label: 'car', attributes: {}, left: 10.5, top: 20, width: 99.75, height: 50 },
      ],
      links: [],
      global_attributes: {},
    });
    expect(response.annotations[0].uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rounds box coordinates to integers when integer_pixels is set', () => {
    const editor = makeEditor({ geometries: { box: { objects_to_annotate: ['car'], integer_pixels: true } } });
    drag(editor, { x: 10.4, y: 20.6 }, { x: 110.7, y: 70.2 });
    expect(editor.getResponse().annotations[0]).toMatchObject({ left: 10, top: 21, width: 100, height: 50 });
  });

  it('writes polygons and lines as vertices and points as x and y', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    press(editor, 'p');
    for (const [x, y] of [[0, 0], [10, 0], [10, 10]]) click(editor, { x, y });
    press(editor, 'Enter');
    press(editor, 'l');
    click(editor, { x: 0, y: 50 });
    click(editor, { x: 40, y: 50 });
    press(editor, 'Enter');
    press(editor, '.');
    click(editor, { x: 5, y: 6 });
    const [polygon, line, point] = editor.getResponse().annotations;
    expect(polygon).toMatchObject({ type: 'polygon', label: 'roof', vertices: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] });
    expect(line).toMatchObject({ type: 'line', label: 'lane', vertices: [{ x: 0, y: 50 }, { x: 40, y: 50 }] });
    expect(point).toMatchObject({ type: 'point', label: 'eye', x: 5, y: 6 });
  });

  it('writes an ellipse as its four extremal vertices (top, right, bottom, left)', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    press(editor, 'e');
    drag(editor, { x: 73, y: 92 }, { x: 173, y: 134 });
    expect(editor.getResponse().annotations[0]).toMatchObject({
      type: 'ellipse',
      label: 'wheel',
      vertices: [{ x: 123, y: 92 }, { x: 173, y: 113 }, { x: 123, y: 134 }, { x: 73, y: 113 }],
    });
  });

  it('writes a cuboid as named vertices and edges', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    press(editor, 'c');
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    const cuboid = editor.getResponse().annotations[0] as { vertices: Array<{ description: string }>; edges: Array<{ description: string }> };
    expect(cuboid.vertices.map((vertex) => vertex.description)).toEqual([
      'face-topleft', 'face-bottomleft', 'face-topright', 'face-bottomright', 'side-topcorner', 'side-bottomcorner',
    ]);
    expect(cuboid.vertices[0]).toEqual({ description: 'face-topleft', x: 100, y: 100, type: 'vertex' });
    expect(cuboid.edges).toHaveLength(6);
    expect(cuboid.edges.find((edge) => edge.description === 'side-top')).toMatchObject({ x1: 200, y1: 100, x2: 230, y2: 115 });
  });

  it('writes the legacy annotation (boxes) shape without uuid or type', () => {
    const editor = makeEditor({ objects_to_annotate: ['cat'], min_width: 5 }, 'annotation');
    drag(editor, { x: 10, y: 10 }, { x: 40, y: 30 });
    expect(editor.getResponse()).toEqual({ annotations: [{ left: 10, top: 10, width: 30, height: 20, label: 'cat' }] });
  });

  it('writes the legacy polygon, line and point shapes', () => {
    const polygon = makeEditor({ objects_to_annotate: ['roof'] }, 'polygonannotation');
    for (const [x, y] of [[0, 0], [10, 0], [10, 10]]) click(polygon, { x, y });
    press(polygon, 'Enter');
    expect(polygon.getResponse()).toEqual({ annotations: [{ label: 'roof', vertices: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] }] });

    const point = makeEditor({ objects_to_annotate: ['eye'] }, 'pointannotation');
    click(point, { x: 3, y: 4 });
    expect(point.getResponse()).toEqual({ annotations: [{ label: 'eye', x: 3, y: 4 }] });

    const line = makeEditor({ objects_to_annotate: ['lane'] }, 'lineannotation');
    click(line, { x: 0, y: 0 });
    click(line, { x: 5, y: 5 });
    press(line, 'Enter');
    expect(line.getResponse()).toEqual({ annotations: [{ label: 'lane', vertices: [{ x: 0, y: 0 }, { x: 5, y: 5 }] }] });
  });

  it('saves the leaf label of nested objects_to_annotate', () => {
    const editor = makeEditor({
      geometries: { box: { objects_to_annotate: [{ choice: 'vehicle', subchoices: ['car', { choice: 'truck_suv', display: 'truck or SUV' }] }] } },
    });
    press(editor, '2');
    drag(editor, { x: 10, y: 10 }, { x: 40, y: 30 });
    expect(editor.getResponse().annotations[0].label).toBe('truck_suv');
  });
});

describe('loading a hypothesis or a draft', () => {
  const hypothesis = {
    annotations: [
      { uuid: 'a1', type: 'box', label: 'car', attributes: { parked: 'Yes' }, left: 1, top: 2, width: 30, height: 40 },
      { type: 'polygon', label: 'roof', vertices: [{ x: 0, y: 0 }, { x: 9, y: 0 }, { x: 9, y: 9 }] },
      { uuid: 'e1', type: 'ellipse', label: 'wheel', vertices: [{ x: 123, y: 92 }, { x: 173, y: 113 }, { x: 123, y: 134 }, { x: 73, y: 113 }] },
      { type: 'box', label: 'car', left: 'nope' },
      { type: 'spline', label: 'x' },
    ],
  };

  it('loads every readable annotation as an editable shape and reports the rest', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    expect(editor.load(hypothesis)).toEqual({ loaded: 3, skipped: 2 });
    expect(editor.store.get('a1')).toMatchObject({ type: 'box', left: 1, top: 2, width: 30, height: 40, attributes: { parked: 'Yes' } });
    expect(editor.store.get('e1')).toMatchObject({ type: 'ellipse', x: 123, y: 113, rx: 50, ry: 21, rotation: 0 });
    expect(editor.history.canUndo).toBe(false);
  });

  it('round-trips: loading what was saved saves the same response', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    editor.load(hypothesis);
    const saved = editor.getResponse();
    const again = makeEditor(ALL_GEOMETRIES);
    again.load(saved);
    expect(again.getResponse()).toEqual(saved);
  });

  it('lets a loaded shape be edited and the edit undone', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    editor.load(hypothesis);
    press(editor, 'v');
    drag(editor, { x: 15, y: 20 }, { x: 25, y: 20 });
    expect(editor.store.get('a1')).toMatchObject({ left: 11 });
    editor.undo();
    expect(editor.store.get('a1')).toMatchObject({ left: 1 });
  });

  it('reads legacy annotations of a single-geometry task without a type', () => {
    const editor = makeEditor({ objects_to_annotate: ['cat'] }, 'annotation');
    editor.load({ annotations: [{ left: 1, top: 1, width: 5, height: 5, label: 'cat' }] });
    expect(editor.store.getAll()[0]).toMatchObject({ type: 'box', label: 'cat' });
  });

  it('reads a cuboid back from its named vertices', () => {
    const editor = makeEditor(ALL_GEOMETRIES);
    press(editor, 'c');
    drag(editor, { x: 100, y: 100 }, { x: 200, y: 200 });
    const saved = editor.getResponse();
    const again = makeEditor(ALL_GEOMETRIES);
    again.load(saved);
    expect(again.store.getAll()[0]).toMatchObject({ type: 'cuboid', left: 100, top: 100, width: 100, height: 100, sideX: 230 });
  });
});
