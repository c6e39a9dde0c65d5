import { useEffect, useRef } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { paintShapes } from '../../editor/paint-shapes.ts';
import type { Shape } from '../../editor/types.ts';
import { useEditorState } from './use-editor.ts';

/** The canvas element, with what its last paint drew (read by tests and benches: a canvas has no DOM per shape to query). */
export type ShapesCanvasElement = HTMLCanvasElement & { paintedShapes?: readonly Shape[] };

/**
 * Every shape and caption on one 2D canvas, for the image editor and the video editor's current
 * frame, instead of an SVG group and caption per shape. As SVG, 1,000 labelled boxes cost a
 * repaint of every box outline (non-scaling strokes) and of all 1,000 caption texts whenever a box
 * moved or the camera zoomed, over a 60 Hz frame; a video frame step moved every track at once.
 * Here a change is one repaint, scheduled once per animation frame, however many changes (store,
 * selection, hidden/locked flags, camera, view) arrive before it. Pointer input never needed the
 * DOM: the editor hit-tests its store, and the selected shape's handles, the drawing preview, links,
 * skeleton and crosshair stay in the SVG above.
 *
 * It sits between the image and the overlays, outside the camera's groups, in a foreignObject
 * covering exactly the viewport: its pixels map one to one to the screen and a zoom or pan step
 * changes no element's size or position, only the pixels.
 */
export function ShapesCanvas({ editor }: { editor: Editor }) {
  const canvasRef = useRef<ShapesCanvasElement>(null);
  const viewport = useEditorState(editor, (state) => state.viewportSize);

  useEffect(() => {
    let pending = 0;
    let painted: { camera: unknown; viewport: unknown; view: unknown } | null = null;
    const paint = () => {
      pending = 0;
      const canvas = canvasRef.current;
      // jsdom has no 2D context; the component tests read the editor's model instead.
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return;
      const { camera, viewportSize, view } = editor.getState();
      const scale = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(viewportSize.width * scale));
      const height = Math.max(1, Math.round(viewportSize.height * scale));
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      canvas.paintedShapes = paintShapes(context, editor, { camera, scale, view, selected: new Set(editor.getSelectedIds()) });
      painted = { camera, viewport: viewportSize, view };
    };
    const schedule = () => {
      if (!pending) pending = requestAnimationFrame(paint);
    };
    // The editor's state also changes with the pointer (crosshair) and the tool; only these three repaint.
    const onState = () => {
      const state = editor.getState();
      if (!painted || state.camera !== painted.camera || state.viewportSize !== painted.viewport || state.view !== painted.view) schedule();
    };
    const unsubscribers = [editor.store.subscribe(schedule), editor.subscribeSelection(schedule), editor.subscribeFlags(schedule), editor.subscribe(onState)];
    paint();
    return () => {
      cancelAnimationFrame(pending);
      unsubscribers.forEach((unsubscribe) => unsubscribe());
    };
  }, [editor]);

  const { width, height } = viewport;
  return (
    <foreignObject x={0} y={0} width={width} height={height} data-layer="shapes" pointerEvents="none">
      <canvas ref={canvasRef} data-testid="shapes-canvas" style={{ width, height, display: 'block' }} />
    </foreignObject>
  );
}
