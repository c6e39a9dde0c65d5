import { useEffect, useRef, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { Editor } from '../../editor/editor.ts';
import type { PointerInput } from '../../editor/events.ts';
import { ShapesCanvas } from './ShapesCanvas.tsx';
import { HandlesLayer, PathPreviewLayer } from './Overlays.tsx';
import { Crosshair, LinksLayer, PaddingFrame, ReadOnlyLayer, SkeletonLayer } from './CanvasLayers.tsx';
import { useEditorState } from './use-editor.ts';
import { useViewportSize } from '../../workbench/use-viewport-size.ts';
import { pointerInputOf, useWheelZoom } from '../../workbench/use-wheel-zoom.ts';

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
 * The image and its annotations, with pointer input forwarded to the editor (which hit-tests its
 * own shapes: nothing here is an element per shape). Three layers: the image under the camera, every
 * shape and caption painted on one canvas (ShapesCanvas), and the SVG overlays under the camera
 * (skeleton, links, the selected shape's handles, the drawing preview, the crosshair). `backdrop`
 * replaces the image (the video family draws the current frame there, in image pixels).
 */
export function Canvas({ editor, imageUrl, backdrop }: { editor: Editor; imageUrl: string | undefined; backdrop?: ReactNode }) {
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
  const cameraTransform = `translate(${camera.x} ${camera.y}) scale(${camera.zoom})`;
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
      onPointerLeave={() => editor.pointerLeave()}
      onDoubleClick={(event) => editor.doubleClick(toInput(event))}
      onContextMenu={(event) => event.preventDefault()}
    >
      {/* Sized in pixels, not 100%: a percentage-sized SVG is laid out again whenever anything else
          on the page changes size (a toolbar figure, a footer line). */}
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
        </g>
        <ShapesCanvas editor={editor} />
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
