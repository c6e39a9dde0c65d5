import { useEffect, useRef } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { useEditorState } from '../image/use-editor.ts';
import { paintFrameShapes } from './paint-frame-shapes.ts';

/**
 * The current frame's shapes on one 2D canvas instead of an SVG group per shape (the image
 * editor's shape views). A frame step moves every track at once; as SVG that was a React render,
 * attribute writes, text layout and paint for each of 50 shapes and captions, and it overran a
 * 60 Hz frame. Here it is one repaint, scheduled once per animation frame, however many changes
 * (store, selection, camera, view) arrive before it. Pointer input never needed the DOM: the
 * editor hit-tests its store, and the selected shape's handles stay in the SVG above.
 *
 * It sits where the shapes layer sits, inside the camera's SVG group, in a foreignObject covering
 * exactly the viewport, so its pixels map one to one to the screen at any zoom.
 */
export function FrameShapesCanvas({ editor }: { editor: Editor }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const camera = useEditorState(editor, (state) => state.camera);
  const viewport = useEditorState(editor, (state) => state.viewportSize);

  useEffect(() => {
    let pending = 0;
    let painted: { camera: unknown; viewport: unknown; view: unknown } | null = null;
    const paint = () => {
      pending = 0;
      const canvas = canvasRef.current;
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return;
      const { camera, viewportSize, view } = editor.getState();
      const scale = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(viewportSize.width * scale));
      const height = Math.max(1, Math.round(viewportSize.height * scale));
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      paintFrameShapes(context, editor, { camera, scale, view, selected: new Set(editor.getSelectedIds()) });
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

  const zoom = camera.zoom || 1;
  const width = viewport.width / zoom;
  const height = viewport.height / zoom;
  return (
    <foreignObject x={-camera.x / zoom} y={-camera.y / zoom} width={width} height={height} data-layer="shapes" pointerEvents="none">
      <canvas ref={canvasRef} data-testid="frame-shapes" style={{ width, height, display: 'block' }} />
    </foreignObject>
  );
}
