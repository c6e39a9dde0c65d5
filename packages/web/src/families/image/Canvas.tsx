import { memo, useEffect, useRef, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { Editor } from '../../editor/editor.ts';
import type { PointerInput } from '../../editor/events.ts';
import { ShapeView } from './ShapeView.tsx';
import { HandlesLayer, PathPreviewLayer } from './Overlays.tsx';
import { useEditorState, useShapeIds } from './use-editor.ts';

/** Every shape, in one SVG group. Memoised on the editor alone: camera changes don't touch it. */
const ShapesLayer = memo(function ShapesLayer({ editor }: { editor: Editor }) {
  const ids = useShapeIds(editor);
  return (
    <g data-layer="shapes">
      {ids.map((id) => (
        <ShapeView key={id} editor={editor} id={id} />
      ))}
    </g>
  );
});

const CURSORS: Record<string, string> = {
  'select.idle': 'default',
  'select.pointing': 'pointer',
  'select.translating': 'move',
  'select.resizing': 'nwse-resize',
  'select.editing-vertex': 'crosshair',
};

/**
 * The image and its annotations, with pointer input forwarded to the editor. `backdrop` replaces
 * the image (the video family draws the current frame there, in image pixels, under the shapes).
 */
export function Canvas({ editor, imageUrl, backdrop }: { editor: Editor; imageUrl: string | undefined; backdrop?: ReactNode }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const camera = useEditorState(editor, (state) => state.camera);
  const imageSize = useEditorState(editor, (state) => state.imageSize);
  const toolState = useEditorState(editor, (state) => state.toolState);
  const panning = useEditorState(editor, (state) => state.panning);

  // Keep the editor told of the viewport size (for fit-to-image and keyboard zoom).
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const measure = () => editor.setViewportSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [editor]);

  // Learn the image's natural size; shapes are in its pixels.
  useEffect(() => {
    if (!imageUrl) return;
    const image = new Image();
    image.onload = () => editor.setImageSize({ width: image.naturalWidth, height: image.naturalHeight });
    image.src = imageUrl;
    return () => {
      image.onload = null;
    };
  }, [editor, imageUrl]);

  // Wheel zoom needs a non-passive listener to stop the page from scrolling. Trackpads send several
  // wheel events per frame, and each zoom step repaints every shape (with 1,000 boxes that is most
  // of a frame), so the events of one frame are summed into one zoom step.
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    let pending: { screen: { x: number; y: number }; deltaY: number } | undefined;
    let frame = 0;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      pending = { screen, deltaY: (pending?.deltaY ?? 0) + event.deltaY };
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (pending) editor.wheel(pending);
        pending = undefined;
      });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      element.removeEventListener('wheel', onWheel);
      cancelAnimationFrame(frame);
    };
  }, [editor]);

  const toInput = (event: ReactPointerEvent | ReactMouseEvent): PointerInput => {
    const rect = containerRef.current!.getBoundingClientRect();
    return {
      screen: { x: event.clientX - rect.left, y: event.clientY - rect.top },
      button: event.button,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
    };
  };

  const cursor = panning ? 'grabbing' : (CURSORS[toolState] ?? 'crosshair');
  return (
    <div
      ref={containerRef}
      className="tw-canvas"
      data-testid="canvas"
      data-tool-state={toolState}
      style={{ cursor }}
      onPointerDown={(event) => {
        containerRef.current?.setPointerCapture?.(event.pointerId);
        editor.pointerDown(toInput(event));
      }}
      onPointerMove={(event) => editor.pointerMove(toInput(event))}
      onPointerUp={(event) => {
        containerRef.current?.releasePointerCapture?.(event.pointerId);
        editor.pointerUp(toInput(event));
      }}
      onDoubleClick={(event) => editor.doubleClick(toInput(event))}
      onContextMenu={(event) => event.preventDefault()}
    >
      <svg width="100%" height="100%" role="img" aria-label="Image being annotated">
        <g transform={`translate(${camera.x} ${camera.y}) scale(${camera.zoom})`}>
          {backdrop ?? (imageUrl && <image href={imageUrl} x={0} y={0} width={imageSize?.width} height={imageSize?.height} />)}
          <ShapesLayer editor={editor} />
          <HandlesLayer editor={editor} />
          <PathPreviewLayer editor={editor} />
        </g>
      </svg>
    </div>
  );
}
