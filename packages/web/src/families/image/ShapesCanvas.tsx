import { useEffect, useRef } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { LayeredShapesPainter } from '../../editor/paint-layers.ts';
import type { Shape } from '../../editor/types.ts';
import { useEditorState } from './use-editor.ts';

/**
 * The still layer's canvas element, with every shape shown after its latest paint, in paint order
 * (its own and the moving layer's): read by tests and benches, a canvas has no DOM per shape to query.
 */
export type ShapesCanvasElement = HTMLCanvasElement & { paintedShapes?: readonly Shape[] };

/** The moving layer's canvas element, with what its latest paint drew. */
export type MovingShapesCanvasElement = HTMLCanvasElement & { paintedShapes?: readonly Shape[] };

/**
 * Every shape and caption on 2D canvases, for the image editor and the video editor's current
 * frame, instead of an SVG group and caption per shape. As SVG, 1,000 labelled boxes cost a
 * repaint of every box outline (non-scaling strokes) and of all 1,000 caption texts whenever a box
 * moved or the camera zoomed, over a 60 Hz frame; a video frame step moved every track at once.
 * Here a change is one repaint, scheduled once per animation frame, however many changes (store,
 * selection, hidden/locked flags, camera, view) arrive before it. Two canvases (LayeredShapesPainter):
 * the shapes a gesture is changing on a moving layer above, the rest on a still layer a drag's
 * steps never touch, so a drag step repaints one shape, not 1,000. Pointer input never needed the
 * DOM: the editor hit-tests its store, and the selected shape's handles, the drawing preview, links,
 * skeleton and crosshair stay in the SVG above.
 *
 * It sits between the image and the overlays, outside the camera's groups, in a foreignObject
 * covering exactly the viewport: its pixels map one to one to the screen and a zoom or pan step
 * changes no element's size or position, only the pixels.
 */
export function ShapesCanvas({ editor }: { editor: Editor }) {
  const stillRef = useRef<ShapesCanvasElement>(null);
  const movingRef = useRef<MovingShapesCanvasElement>(null);
  const viewport = useEditorState(editor, (state) => state.viewportSize);

  useEffect(() => {
    const painter = new LayeredShapesPainter(editor);
    let pending = 0;
    let painted: { camera: unknown; viewport: unknown; view: unknown } | null = null;
    let shown: { still: readonly Shape[]; moving: readonly Shape[] } = { still: [], moving: [] };
    const paint = () => {
      pending = 0;
      const still = stillRef.current;
      const moving = movingRef.current;
      // jsdom has no 2D context; the component tests read the editor's model instead.
      const stillContext = still?.getContext('2d');
      const movingContext = moving?.getContext('2d');
      if (!still || !moving || !stillContext || !movingContext) return;
      const { camera, viewportSize, view } = editor.getState();
      const scale = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(viewportSize.width * scale));
      const height = Math.max(1, Math.round(viewportSize.height * scale));
      for (const canvas of [still, moving]) {
        if (canvas.width !== width) canvas.width = width;
        if (canvas.height !== height) canvas.height = height;
      }
      const result = painter.paint(stillContext, movingContext, { camera, scale, view, selected: new Set(editor.getSelectedIds()) });
      if (result.still || result.moving) {
        shown = { still: result.still ?? shown.still, moving: result.moving ?? shown.moving };
        still.paintedShapes = [...shown.still, ...shown.moving];
        moving.paintedShapes = shown.moving;
      }
      painted = { camera, viewport: viewportSize, view };
    };
    const schedule = () => {
      if (!pending) pending = requestAnimationFrame(paint);
    };
    // The editor's state also changes with the pointer (crosshair) and the tool; only these three repaint.
    // A gesture's end (a committed edit) moves its shapes back to the still layer.
    const onState = () => {
      const state = editor.getState();
      if (!painted || state.camera !== painted.camera || state.viewportSize !== painted.viewport || state.view !== painted.view) schedule();
    };
    const unsubscribers = [
      editor.store.subscribe(schedule),
      editor.subscribeSelection(schedule),
      editor.subscribeFlags(schedule),
      editor.history.subscribeEdits(schedule),
      editor.subscribe(onState),
    ];
    paint();
    return () => {
      cancelAnimationFrame(pending);
      unsubscribers.forEach((unsubscribe) => unsubscribe());
      painter.dispose();
    };
  }, [editor]);

  const { width, height } = viewport;
  const layer = { position: 'absolute', left: 0, top: 0, width, height, display: 'block' } as const;
  return (
    <foreignObject x={0} y={0} width={width} height={height} data-layer="shapes" pointerEvents="none">
      <div style={{ position: 'relative', width, height }}>
        <canvas ref={stillRef} data-testid="shapes-canvas" style={layer} />
        <canvas ref={movingRef} data-testid="moving-shapes-canvas" style={layer} />
      </div>
    </foreignObject>
  );
}
