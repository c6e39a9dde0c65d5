import { memo, useEffect, useRef, type CSSProperties, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { Editor } from '../../editor/editor.ts';
import type { PointerInput } from '../../editor/events.ts';
import { ShapeView } from './ShapeView.tsx';
import { CaptionsLayer } from './Captions.tsx';
import { HandlesLayer, PathPreviewLayer } from './Overlays.tsx';
import { Crosshair, LinksLayer, PaddingFrame, ReadOnlyLayer, SkeletonLayer } from './CanvasLayers.tsx';
import { useEditorState, useShapeIds } from './use-editor.ts';
import { useViewportSize } from '../../workbench/use-viewport-size.ts';
import { pointerInputOf, useWheelZoom } from '../../workbench/use-wheel-zoom.ts';

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
  'link.idle': 'alias',
  'link.choosing-target': 'alias',
};

/**
 * The image and its annotations, with pointer input forwarded to the editor. `backdrop` replaces
 * the image (the video family draws the current frame there, in image pixels, under the shapes);
 * `shapes` replaces the SVG shape views (the video family paints a frame's shapes on a canvas).
 */
export function Canvas({ editor, imageUrl, backdrop, shapes }: { editor: Editor; imageUrl: string | undefined; backdrop?: ReactNode; shapes?: ReactNode }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const camera = useEditorState(editor, (state) => state.camera);
  const imageSize = useEditorState(editor, (state) => state.imageSize);
  const toolState = useEditorState(editor, (state) => state.toolState);
  const panning = useEditorState(editor, (state) => state.panning);
  const spaceHeld = useEditorState(editor, (state) => state.spaceHeld);
  const picking = useEditorState(editor, (state) => state.picking);
  const view = useEditorState(editor, (state) => state.view);
  const viewportSize = useEditorState(editor, (state) => state.viewportSize);

  useViewportSize(editor, containerRef);

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

  useWheelZoom(editor, containerRef);

  const toInput = (event: ReactPointerEvent | ReactMouseEvent): PointerInput => pointerInputOf(containerRef.current!, event);

  // While drawing, the crosshair lines replace the pointer; grabbing hands while panning.
  const cursor = panning ? 'grabbing' : spaceHeld ? 'grab' : picking ? 'alias' : editor.isDrawingTool() ? 'none' : (CURSORS[toolState] ?? 'crosshair');
  // Shape fill reads this variable, so moving a slider re-renders no shape.
  const style = {
    cursor,
    '--tw-fill': view.showFill ? view.fillOpacity : 0,
  } as CSSProperties;
  const classes = ['tw-canvas', view.showLabels ? 'tw-show-captions' : '', view.showAttributes ? 'tw-show-attributes' : ''].filter(Boolean).join(' ');
  const cameraTransform = `translate(${camera.x} ${camera.y}) scale(${camera.zoom})`;
  return (
    <div
      ref={containerRef}
      className={classes}
      data-testid="canvas"
      data-tool-state={toolState}
      style={style}
      onPointerDown={(event) => {
        containerRef.current?.setPointerCapture?.(event.pointerId);
        editor.pointerDown(toInput(event));
      }}
      onPointerMove={(event) => editor.pointerMove(toInput(event))}
      onPointerUp={(event) => {
        containerRef.current?.releasePointerCapture?.(event.pointerId);
        editor.pointerUp(toInput(event));
      }}
      onPointerLeave={() => editor.pointerLeave()}
      onDoubleClick={(event) => editor.doubleClick(toInput(event))}
      onContextMenu={(event) => event.preventDefault()}
    >
      {/* Sized in pixels, not 100%: a percentage-sized SVG is laid out again, every caption's text
          with it, whenever anything else on the page changes size (a toolbar figure, a footer line). */}
      <svg width={viewportSize.width || '100%'} height={viewportSize.height || '100%'} role="img" aria-label="Image being annotated">
        {/* data-layer="image": the e2e tests and benches read the camera from this group's transform. */}
        <g transform={cameraTransform} data-layer="image">
          <PaddingFrame editor={editor} />
          {backdrop ??
            (imageUrl && (
            <image
              href={imageUrl}
              x={0}
              y={0}
              width={imageSize?.width}
              height={imageSize?.height}
              style={view.brightness !== 100 || view.contrast !== 100 ? { filter: `brightness(${view.brightness}%) contrast(${view.contrast}%)` } : undefined}
            />
            ))}
          <ReadOnlyLayer editor={editor} />
          {!shapes && <ShapesLayer editor={editor} />}
        </g>
        {/* A painted shapes layer covers the viewport outside the camera's groups (see ShapesCanvas). */}
        {shapes}
        {/* Captions keep their size: this group only moves with the camera, and each caption reads
            the zoom from --tw-zoom, set here so that a zoom step restyles the captions and nothing else.
            A caller that paints the shapes itself (video) paints their captions with them. */}
        {!shapes && (
          <g transform={`translate(${camera.x} ${camera.y})`} style={{ '--tw-zoom': camera.zoom } as CSSProperties}>
            <CaptionsLayer editor={editor} />
          </g>
        )}
        <g transform={cameraTransform}>
          <SkeletonLayer editor={editor} />
          <LinksLayer editor={editor} />
          <HandlesLayer editor={editor} />
          <PathPreviewLayer editor={editor} />
          <Crosshair editor={editor} />
        </g>
      </svg>
    </div>
  );
}
