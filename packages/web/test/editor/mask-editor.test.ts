import { describe, expect, it } from 'vitest';
import { MaskEditor, maskConfigFromParams } from '../../src/editor/raster/mask-editor.ts';
import { decodeIndexRle, encodeIndexRle, MaskDecodeError, type LabelMappingEntry } from '@tagwright/formats';
import { readPixel, TILE_SIZE } from '../../src/editor/raster/tiled-raster.ts';
import type { Vec } from '../../src/editor/geometry.ts';

const PARAMS = {
  attachment: 'https://example.com/street.png',
  labels: ['road', { choice: 'vehicle', subchoices: ['car', { choice: 'truck_suv', display: 'truck or SUV' }] }, { choice: 'person', instance_label: true }],
};

/** A mask editor on a width×height image at a 1:1 camera, so screen points are image pixels. */
function makeMaskEditor(width = 600, height = 400, params: Record<string, unknown> = PARAMS): MaskEditor {
  const editor = new MaskEditor(maskConfigFromParams(params));
  editor.setViewportSize({ width, height });
  editor.setImageSize({ width, height });
  editor.setCamera({ x: 0, y: 0, zoom: 1 });
  return editor;
}

function stroke(editor: MaskEditor, points: Vec[]): void {
  editor.pointerDown({ screen: points[0], button: 0 });
  for (const point of points.slice(1)) editor.pointerMove({ screen: point });
  editor.pointerUp({ screen: points[points.length - 1], button: 0 });
}

function click(editor: MaskEditor, at: Vec): void {
  editor.pointerDown({ screen: at, button: 0 });
  editor.pointerUp({ screen: at, button: 0 });
}

/** The submitted raster, decoded: what the server will render. */
function submitted(editor: MaskEditor) {
  const response = editor.getResponse()!;
  const values = decodeIndexRle(response.mask);
  const at = (x: number, y: number) => values[y * response.mask.width + x];
  return { response, values, at, indexOf: (label: string) => (response.labelMapping[label] as LabelMappingEntry).index };
}

describe('mask editor: strokes in, index raster out', () => {
  it('paints a brush stroke as a capsule of the brush diameter and nothing else', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('road');
    editor.setBrushSize(10);
    stroke(editor, [{ x: 50, y: 100 }, { x: 100, y: 100 }, { x: 150, y: 100 }]);
    const { at, values, indexOf } = submitted(editor);
    const road = indexOf('road');
    expect(road).toBe(1);
    expect(at(50, 100)).toBe(road);
    expect(at(150, 96)).toBe(road);
    expect(at(100, 95)).toBe(road);
    expect(at(100, 105)).toBe(0);
    expect(at(100, 94)).toBe(0);
    expect(at(160, 100)).toBe(0);
    // Ten rows of 100 px plus the rounded caps: about 10 × 110.
    const painted = values.filter((value) => value === road).length;
    expect(painted).toBeGreaterThan(1050);
    expect(painted).toBeLessThan(1110);
    expect(editor.getState().unlabeled).toBe(600 * 400 - painted);
  });

  it('reports only the part of each tile a brush move wrote, so the view redraws that and not whole tiles', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('road');
    editor.setBrushSize(10);
    const changes: Array<Map<number, { left: number; top: number; right: number; bottom: number }>> = [];
    editor.subscribeRaster((change) => {
      if (change !== 'all') changes.push(new Map(change));
    });
    stroke(editor, [{ x: 50, y: 100 }, { x: 60, y: 100 }]);
    expect(changes.length).toBeGreaterThan(0);
    const rects = changes.flatMap((change) => [...change.entries()]);
    // Everything lies in the first tile, within the capsule's box (x 45..65, y 95..105).
    expect(new Set(rects.map(([position]) => position))).toEqual(new Set([0]));
    for (const [, rect] of rects) {
      expect(rect.left).toBeGreaterThanOrEqual(44);
      expect(rect.right).toBeLessThanOrEqual(66);
      expect(rect.top).toBeGreaterThanOrEqual(94);
      expect(rect.bottom).toBeLessThanOrEqual(106);
    }
  });

  it('makes one stroke one undo step, and redo puts it back', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('car');
    stroke(editor, [{ x: 10, y: 10 }, { x: 200, y: 10 }, { x: 200, y: 200 }, { x: 300, y: 300 }]);
    const after = submitted(editor).response.mask.rle;
    expect(editor.getState().canUndo).toBe(true);
    editor.undo();
    expect(submitted(editor).values.every((value) => value === 0)).toBe(true);
    expect(editor.getState().unlabeled).toBe(600 * 400);
    expect(editor.getState().canUndo).toBe(false);
    editor.redo();
    expect(submitted(editor).response.mask.rle).toBe(after);
  });

  it('reports a stroke as an edit once, when it ends, and a cancelled stroke not at all', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('road');
    let edits = 0;
    editor.history.subscribeEdits(() => edits++);
    editor.pointerDown({ screen: { x: 50, y: 100 }, button: 0 });
    editor.pointerMove({ screen: { x: 100, y: 100 } });
    editor.pointerMove({ screen: { x: 150, y: 100 } });
    expect(edits).toBe(0);
    editor.pointerUp({ screen: { x: 150, y: 100 }, button: 0 });
    expect(edits).toBe(1);

    editor.pointerDown({ screen: { x: 50, y: 200 }, button: 0 });
    editor.pointerMove({ screen: { x: 100, y: 200 } });
    editor.keyDown({ key: 'Escape' });
    expect(edits).toBe(1);
    expect(submitted(editor).at(75, 200)).toBe(0);
    editor.undo();
    expect(edits).toBe(2);
  });

  it('copies only the tiles a stroke touches, so undo keeps the rest shared', () => {
    const editor = makeMaskEditor(1000, 800);
    const before = editor.getRaster()!;
    editor.setActiveLabel('road');
    stroke(editor, [{ x: 10, y: 10 }, { x: 40, y: 10 }]);
    const after = editor.getRaster()!;
    const changed = after.tiles.filter((tile, position) => tile !== before.tiles[position]).length;
    expect(changed).toBe(1);
    expect(after.tiles.length).toBe(Math.ceil(1000 / TILE_SIZE) * Math.ceil(800 / TILE_SIZE));
  });

  it('fills a polygon with the pixels whose centres are inside it', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('truck_suv');
    editor.setTool('polygon');
    for (const point of [{ x: 100, y: 100 }, { x: 200, y: 100 }, { x: 200, y: 150 }]) click(editor, point);
    click(editor, { x: 100, y: 150 });
    expect(editor.keyDown({ key: 'Enter' })).toBe(true);
    const { values, at, indexOf } = submitted(editor);
    expect(values.filter((value) => value === indexOf('truck_suv')).length).toBe(100 * 50);
    expect(at(100, 100)).toBe(indexOf('truck_suv'));
    expect(at(199, 149)).toBe(indexOf('truck_suv'));
    expect(at(200, 149)).toBe(0);
  });

  it('numbers two instances of an instance label after the other labels, with pixel counts', () => {
    const editor = makeMaskEditor();
    editor.setActiveLabel('person');
    editor.setTool('polygon');
    for (const point of [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }]) click(editor, point);
    editor.keyDown({ key: 'Enter' });
    editor.keyDown({ key: 'n' });
    for (const point of [{ x: 20, y: 0 }, { x: 40, y: 0 }, { x: 40, y: 10 }, { x: 20, y: 10 }]) click(editor, point);
    editor.keyDown({ key: 'Enter' });
    const { response, at } = submitted(editor);
    const people = response.labelMapping.person as LabelMappingEntry[];
    expect(Object.keys(response.labelMapping)).toEqual(['road', 'car', 'truck_suv', 'person']);
    expect(people.map((entry) => entry.index)).toEqual([4, 5]);
    expect(people.map((entry) => entry.numPixels)).toEqual([100, 200]);
    expect(people[0].color).toBe('#4363d8');
    expect(people[0].color).not.toBe(people[1].color);
    expect(at(5, 5)).toBe(4);
    expect(at(30, 5)).toBe(5);
    expect((response.labelMapping.road as LabelMappingEntry).numPixels).toBeUndefined();
  });

  it('blocks submit while pixels are unlabeled, until the rest is filled', () => {
    const editor = makeMaskEditor(300, 200);
    editor.setActiveLabel('road');
    stroke(editor, [{ x: 10, y: 10 }, { x: 100, y: 10 }]);
    expect(editor.validate().join(' ')).toMatch(/pixels are unlabeled/);
    editor.setActiveLabel('car');
    editor.fillUnlabeled();
    expect(editor.getState().unlabeled).toBe(0);
    expect(editor.validate()).toEqual([]);
    const { values, indexOf } = submitted(editor);
    expect(values.every((value) => value === indexOf('road') || value === indexOf('car'))).toBe(true);
  });

  it('lets a task with allow_unlabeled submit a partly painted mask', () => {
    const editor = makeMaskEditor(100, 100, { ...PARAMS, allow_unlabeled: true });
    expect(editor.validate()).toEqual([]);
  });

  it('flood fills the connected unlabeled area and stops at painted pixels', () => {
    const editor = makeMaskEditor(200, 100);
    editor.setActiveLabel('road');
    editor.setBrushSize(4);
    stroke(editor, [{ x: 100, y: -5 }, { x: 100, y: 105 }]);
    editor.setActiveLabel('car');
    editor.setTool('fill');
    click(editor, { x: 20, y: 50 });
    const { at, indexOf } = submitted(editor);
    expect(at(0, 0)).toBe(indexOf('car'));
    expect(at(97, 99)).toBe(indexOf('car'));
    expect(at(100, 50)).toBe(indexOf('road'));
    expect(at(150, 50)).toBe(0);
  });

  it('erases back to unlabeled', () => {
    const editor = makeMaskEditor(100, 100);
    editor.setActiveLabel('road');
    editor.fillUnlabeled();
    editor.setTool('eraser');
    editor.setBrushSize(2);
    click(editor, { x: 50.5, y: 50.5 });
    expect(editor.getState().unlabeled).toBeGreaterThan(0);
    expect(submitted(editor).at(50, 50)).toBe(0);
  });

  it('deletes an instance and unlabels its pixels in one undo step', () => {
    const editor = makeMaskEditor(100, 100);
    editor.setActiveLabel('person');
    const person = editor.getSegment(editor.getState().activeSegmentId)!;
    editor.fillUnlabeled();
    editor.deleteSegment(person.id);
    expect(editor.getState().unlabeled).toBe(100 * 100);
    expect(submitted(editor).response.labelMapping.person).toEqual([]);
    editor.undo();
    expect(editor.getState().unlabeled).toBe(0);
    expect((submitted(editor).response.labelMapping.person as LabelMappingEntry[]).length).toBe(1);
  });

  it('changes brush size with [ and ]', () => {
    const editor = makeMaskEditor();
    editor.setBrushSize(20);
    editor.keyDown({ key: ']' });
    expect(editor.getState().brushSize).toBe(25);
    editor.keyDown({ key: '[' });
    editor.keyDown({ key: '[' });
    expect(editor.getState().brushSize).toBe(16);
  });

  it('loads a saved draft back into the same raster, colours and attributes', () => {
    const editor = makeMaskEditor(120, 80, { ...PARAMS, annotation_attributes: { occluded: { type: 'category', description: 'Occluded?', choices: ['yes', 'no'] } } });
    editor.setActiveLabel('person');
    editor.setTool('fill');
    click(editor, { x: 5, y: 5 });
    const person = editor.getSegment(editor.getState().activeSegmentId)!;
    expect(editor.validate().join(' ')).toMatch(/Occluded\?/);
    editor.setSegmentAttribute(person.id, 'occluded', 'yes');
    editor.recolorSegment(person.id, '#123456');
    const draft = editor.getResponse()!;
    const reloaded = makeMaskEditor(120, 80, { ...PARAMS, annotation_attributes: { occluded: { type: 'category', choices: ['yes', 'no'] } } });
    reloaded.loadDraft(draft);
    expect(reloaded.getResponse()).toEqual(draft);
    expect(reloaded.getState().canUndo).toBe(false);
    expect(reloaded.validate()).toEqual([]);
    expect((draft.labelMapping.person as LabelMappingEntry[])[0]).toMatchObject({ color: '#123456', attributes: { occluded: 'yes' } });
  });

  it('drops pixels of labels the task does not have when loading', () => {
    const editor = makeMaskEditor(4, 1);
    const { skipped } = editor.loadIndexed({ road: { index: 1, color: '#e6194b' }, sky: { index: 2, color: '#000000' } }, { width: 4, height: 1 }, [1, 2, 2, 0]);
    expect(skipped).toEqual(['sky']);
    expect([0, 1, 2, 3].map((x) => readPixel(editor.getRaster()!, x, 0) > 0)).toEqual([true, false, false, false]);
  });

  it('fills the superpixel under a click up to the colour edge of the image', () => {
    const width = 160;
    const height = 120;
    // Left of x = 70 dark grey, right of it bright orange.
    const pixels = new Uint8ClampedArray(width * height * 4);
    for (let index = 0; index < width * height; index++) {
      const right = index % width >= 70;
      pixels.set(right ? [250, 140, 20, 255] : [40, 40, 40, 255], index * 4);
    }
    const editor = makeMaskEditor(width, height);
    editor.setPixelSource({
      width,
      height,
      readRegion: (x, y, w, h) => {
        const out = new Uint8ClampedArray(w * h * 4);
        for (let row = 0; row < h; row++) out.set(pixels.subarray(((y + row) * width + x) * 4, ((y + row) * width + x + w) * 4), row * w * 4);
        return out;
      },
    });
    editor.setActiveLabel('road');
    editor.setBrushSize(16);
    editor.setTool('superpixel');
    click(editor, { x: 60, y: 60 });
    const { at, values, indexOf } = submitted(editor);
    const road = indexOf('road');
    expect(at(60, 60)).toBe(road);
    // Nothing bright got painted: the superpixel stopped at the edge.
    for (let index = 0; index < values.length; index++) if (values[index] === road) expect(index % width).toBeLessThan(70);
    expect(values.filter((value) => value === road).length).toBeGreaterThan(100);
  });
});

describe('index RLE', () => {
  it('round-trips a raster and names what is wrong with a bad one', () => {
    const values = [0, 0, 3, 3, 3, 300, 0, 1];
    const encoded = encodeIndexRle(4, 2, values);
    expect([...decodeIndexRle(encoded)]).toEqual(values);
    expect(() => decodeIndexRle({ ...encoded, width: 3 })).toThrow(/more than the 3×2 pixels/);
    expect(() => decodeIndexRle({ ...encoded, width: 5 })).toThrow(/covers 8 pixels, but the mask is 5×2 = 10/);
    expect(() => decodeIndexRle(encoded, 10)).toThrow(MaskDecodeError);
    expect(() => decodeIndexRle({ ...encoded, rle: '%%%' })).toThrow(/not base64/);
  });
});
