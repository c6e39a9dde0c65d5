import { describe, expect, it } from 'vitest';
import { BOX_TASK, makeEditor, press } from './helpers.ts';
import { fitCamera, pageToScreen, screenToPage, zoomAt } from '../../src/editor/viewport.ts';

describe('camera', () => {
  it('keeps the point under the cursor fixed while zooming', () => {
    const camera = zoomAt({ x: 10, y: 20, zoom: 1 }, { x: 300, y: 200 }, 2);
    expect(screenToPage(camera, { x: 300, y: 200 })).toEqual(screenToPage({ x: 10, y: 20, zoom: 1 }, { x: 300, y: 200 }));
    expect(pageToScreen(camera, screenToPage(camera, { x: 5, y: 7 }))).toEqual({ x: 5, y: 7 });
  });

  it('fits an image into the viewport, centred', () => {
    expect(fitCamera({ width: 2000, height: 1000 }, { width: 1000, height: 1000 })).toEqual({ zoom: 0.475, x: 25, y: 262.5 });
  });

  it('zooms with + and - and pans while space is held', () => {
    const editor = makeEditor(BOX_TASK);
    press(editor, '+');
    expect(editor.getState().camera.zoom).toBe(1.25);
    press(editor, '-');
    expect(editor.getState().camera.zoom).toBe(1);
    press(editor, ' ');
    editor.pointerDown({ screen: { x: 100, y: 100 }, button: 0 });
    editor.pointerMove({ screen: { x: 130, y: 90 } });
    editor.pointerUp({ screen: { x: 130, y: 90 }, button: 0 });
    editor.keyUp({ key: ' ' });
    expect(editor.getState().camera).toMatchObject({ x: 30, y: -10 });
    expect(editor.store.size).toBe(0);
  });

  it('zooms towards the cursor on the mouse wheel', () => {
    const editor = makeEditor(BOX_TASK);
    editor.wheel({ screen: { x: 200, y: 100 }, deltaY: -100 });
    const camera = editor.getState().camera;
    expect(camera.zoom).toBeGreaterThan(1);
    expect(screenToPage(camera, { x: 200, y: 100 }).x).toBeCloseTo(200);
  });
});
