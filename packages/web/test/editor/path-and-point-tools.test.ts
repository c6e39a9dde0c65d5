import { describe, expect, it } from 'vitest';
import { click, makeEditor, press } from './helpers.ts';

const TASK = {
  geometries: {
    polygon: { objects_to_annotate: ['roof'], min_vertices: 4 },
    line: { objects_to_annotate: ['lane'], max_vertices: 3 },
    point: { objects_to_annotate: ['eye'] },
  },
};

describe('polygon, line and point tools', () => {
  it('closes a polygon on Enter after enough points', () => {
    const editor = makeEditor(TASK);
    press(editor, 'p');
    for (const [x, y] of [[10, 10], [100, 10], [100, 100], [10, 100]]) click(editor, { x, y });
    expect(editor.store.size).toBe(0);
    expect(editor.getState().pathPreview?.vertices).toHaveLength(4);
    press(editor, 'Enter');
    expect(editor.store.getAll()[0]).toMatchObject({ type: 'polygon', label: 'roof' });
    expect(editor.getState().pathPreview).toBeNull();
  });

  it('refuses to close a polygon below min_vertices and keeps drawing', () => {
    const editor = makeEditor(TASK);
    press(editor, 'p');
    for (const [x, y] of [[10, 10], [100, 10], [100, 100]]) click(editor, { x, y });
    press(editor, 'Enter');
    expect(editor.store.size).toBe(0);
    expect(editor.getState().notice).toMatch(/at least 4 points/);
    expect(editor.getState().toolState).toBe('polygon.drawing');
  });

  it('closes a polygon when its first point is clicked again', () => {
    const editor = makeEditor(TASK);
    press(editor, 'p');
    for (const [x, y] of [[10, 10], [100, 10], [100, 100], [10, 100], [11, 11]]) click(editor, { x, y });
    expect(editor.store.getAll()[0]).toMatchObject({ vertices: [{ x: 10, y: 10 }, { x: 100, y: 10 }, { x: 100, y: 100 }, { x: 10, y: 100 }] });
  });

  it('finishes a line on double-click without doubling the last point', () => {
    const editor = makeEditor({ geometries: { line: { objects_to_annotate: ['lane'] } } });
    press(editor, 'l');
    click(editor, { x: 10, y: 10 });
    click(editor, { x: 50, y: 50 });
    click(editor, { x: 50, y: 50 });
    editor.doubleClick({ screen: { x: 50, y: 50 } });
    expect(editor.store.getAll()[0]).toMatchObject({ type: 'line', vertices: [{ x: 10, y: 10 }, { x: 50, y: 50 }] });
  });

  it('finishes a line by itself at max_vertices', () => {
    const editor = makeEditor(TASK);
    press(editor, 'l');
    for (const [x, y] of [[10, 10], [50, 50], [90, 10]]) click(editor, { x, y });
    expect(editor.store.getAll()[0]).toMatchObject({ type: 'line', label: 'lane' });
    expect(editor.getState().toolState).toBe('line.idle');
  });

  it('removes the last point with Backspace and abandons the path with Escape', () => {
    const editor = makeEditor(TASK);
    press(editor, 'p');
    click(editor, { x: 10, y: 10 });
    click(editor, { x: 50, y: 50 });
    press(editor, 'Backspace');
    expect(editor.getState().pathPreview?.vertices).toEqual([{ x: 10, y: 10 }]);
    press(editor, 'Escape');
    expect(editor.getState().pathPreview).toBeNull();
    expect(editor.store.size).toBe(0);
  });

  it('makes a finished polygon a single undo step', () => {
    const editor = makeEditor(TASK);
    press(editor, 'p');
    for (const [x, y] of [[10, 10], [100, 10], [100, 100], [10, 100]]) click(editor, { x, y });
    press(editor, 'Enter');
    editor.undo();
    expect(editor.store.size).toBe(0);
    editor.redo();
    expect(editor.store.size).toBe(1);
  });

  it('places a point on each click', () => {
    const editor = makeEditor(TASK);
    press(editor, '.');
    click(editor, { x: 10, y: 20 });
    click(editor, { x: 30, y: 40 });
    expect(editor.store.getAll().map((shape) => shape.type === 'point' && [shape.x, shape.y])).toEqual([[10, 20], [30, 40]]);
  });

  it('ignores the shortcut of a geometry the task does not ask for', () => {
    const editor = makeEditor(TASK);
    press(editor, 'b');
    expect(editor.getState().toolId).toBe('polygon');
  });
});
