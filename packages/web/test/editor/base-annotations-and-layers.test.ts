import { describe, expect, it } from 'vitest';
import { Editor } from '../../src/editor/editor.ts';
import { editorConfigFromTask } from '../../src/editor/config.ts';
import { drag, makeEditor, press } from './helpers.ts';

const GIVEN = { annotations: [{ uuid: 'b1', type: 'box', label: 'car', left: 100, top: 100, width: 50, height: 50, attributes: {} }] };

function taskEditor(params: Record<string, unknown>, draft?: unknown): Editor {
  const full = { geometries: { box: { objects_to_annotate: ['car', 'bus'] } }, ...params };
  const editor = makeEditor(full);
  editor.loadTask(full, draft);
  press(editor, 'v');
  return editor;
}

describe('base_annotations and its can_* flags', () => {
  it('loads base annotations with the hypothesis and keeps their uuids', () => {
    const editor = taskEditor({
      base_annotations: GIVEN,
      hypothesis: { annotations: [{ uuid: 'h1', type: 'box', label: 'bus', left: 0, top: 0, width: 20, height: 20 }] },
    });
    expect(editor.store.getIds()).toEqual(['h1', 'b1']);
    expect(editor.isBase('b1')).toBe(true);
    expect(editor.isBase('h1')).toBe(false);
  });

  it('lets the labeler do everything when the flags are absent (Tagwright reads true)', () => {
    const editor = taskEditor({ base_annotations: GIVEN });
    drag(editor, { x: 120, y: 120 }, { x: 140, y: 130 });
    expect(editor.store.get('b1')).toMatchObject({ left: 120, top: 110 });
    editor.setActiveLabel('box', 'bus');
    expect(editor.store.get('b1')!.label).toBe('bus');
    press(editor, 'Delete');
    expect(editor.store.size).toBe(0);
  });

  it('locks geometry with can_edit_base_annotations: false, but not the label', () => {
    const editor = taskEditor({ base_annotations: GIVEN, can_edit_base_annotations: false });
    drag(editor, { x: 120, y: 120 }, { x: 140, y: 130 });
    expect(editor.store.get('b1')).toMatchObject({ left: 100, top: 100 });
    editor.setSelection(['b1']);
    expect(editor.handlesOf(editor.store.get('b1')!)).toEqual([]);
    press(editor, 'ArrowRight');
    expect(editor.store.get('b1')).toMatchObject({ left: 100 });
    editor.setActiveLabel('box', 'bus');
    expect(editor.store.get('b1')!.label).toBe('bus');
  });

  it('locks the label with can_edit_base_annotation_labels: false', () => {
    const editor = taskEditor({ base_annotations: GIVEN, can_edit_base_annotation_labels: false });
    editor.setSelection(['b1']);
    press(editor, '2');
    expect(editor.store.get('b1')!.label).toBe('car');
    expect(editor.getState().notice).toMatch(/cannot be changed/);
  });

  it('keeps base annotations with can_delete_base_annotations: false, deleting only the others', () => {
    const editor = taskEditor({ base_annotations: GIVEN, can_delete_base_annotations: false });
    press(editor, 'b');
    drag(editor, { x: 300, y: 300 }, { x: 350, y: 350 });
    editor.setSelection(editor.store.getIds());
    press(editor, 'Delete');
    expect(editor.store.getIds()).toEqual(['b1']);
  });

  it('offers no drawing tool with can_add_base_annotations: false', () => {
    const editor = taskEditor({ base_annotations: GIVEN, can_add_base_annotations: false });
    expect(editor.availableTools()).toEqual(['select']);
    expect(press(editor, 'b')).toBe(false);
    expect(editor.getState().toolId).toBe('select');
    expect(editor.getState().notice).toMatch(/does not allow adding/);
  });

  it('recognises base annotations in a saved draft by uuid, so the flags still hold', () => {
    const editor = taskEditor({ base_annotations: GIVEN, can_delete_base_annotations: false }, { annotations: [GIVEN.annotations[0]] });
    editor.setSelection(['b1']);
    press(editor, 'Delete');
    expect(editor.store.size).toBe(1);
  });
});

describe('layers (read-only overlay)', () => {
  it('reads boxes, lines, polygons and cuboids of params.layers, and never saves them', () => {
    const editor = taskEditor({
      layers: {
        boxes: [{ left: 1, top: 2, width: 3, height: 4 }],
        polygons: [{ vertices: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 5, y: 5 }] }],
        lines: [{ vertices: [{ x: 0, y: 0 }, { x: 10, y: 10 }] }],
        cuboids: [],
      },
    });
    expect(editor.layerShapes.map((shape) => shape.type)).toEqual(['box', 'line', 'polygon']);
    expect(editor.getResponse().annotations).toEqual([]);
    expect(editor.shapeAt({ x: 2, y: 3 })).toBeUndefined();
  });
});

describe('padding', () => {
  it('lets shapes reach into the padding around the image, and no further', () => {
    const editor = new Editor(editorConfigFromTask('imageannotation', { geometries: { box: { objects_to_annotate: ['car'] } }, padding: 20, paddingY: 10 }));
    editor.setViewportSize({ width: 1000, height: 800 });
    editor.setImageSize({ width: 1000, height: 800 });
    editor.setCamera({ x: 100, y: 100, zoom: 1 });
    // Screen (60, 60) is image (-40, -40): clamped to the padded corner (-20, -10).
    drag(editor, { x: 60, y: 60 }, { x: 200, y: 200 });
    expect(editor.store.getAll()[0]).toMatchObject({ left: -20, top: -10, width: 120, height: 110 });
    expect(editor.drawableArea()).toEqual({ left: -20, top: -10, width: 1040, height: 820 });
  });
});
