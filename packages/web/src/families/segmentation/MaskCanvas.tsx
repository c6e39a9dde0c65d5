import { useEffect, useRef, type PointerEvent as ReactPointerEvent, type MouseEvent as ReactMouseEvent } from 'react';
import type { MaskEditor, RasterChange } from '../../editor/raster/mask-editor.ts';
import type { PointerInput } from '../../editor/events.ts';
import { TILE_SIZE, type RasterRecord, type Tile } from '../../editor/raster/tiled-raster.ts';
import type { TileRect } from '../../editor/raster/raster-writer.ts';
import { useMaskState } from './use-mask-editor.ts';
import { useViewportSize } from '../../workbench/use-viewport-size.ts';
import { pointerInputOf, useWheelZoom } from '../../workbench/use-wheel-zoom.ts';

/** RGBA words (little-endian) per raster value, from the segments' colours. */
function colourTable(editor: MaskEditor): Uint32Array {
  const segments = editor.getSegments();
  const table = new Uint32Array(segments.reduce((max, segment) => Math.max(max, segment.value), 0) + 1);
  for (const segment of segments) {
    const rgb = parseInt(segment.color.slice(1), 16);
    table[segment.value] = ((255 << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff)) >>> 0;
  }
  return table;
}

/**
 * Draws the raster into one canvas of the image's size, tile by tile: a stroke repaints only the
 * tiles it touched (the editor reports them), undo repaints tiles whose record changed. The canvas
 * follows the camera with a CSS transform, so panning and zooming repaint nothing.
 */
function useRasterPainter(editor: MaskEditor, canvasRef: React.RefObject<HTMLCanvasElement | null>): void {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let drawn: readonly Tile[] = [];
    let drawnSize = '';
    let colours = colourTable(editor);
    let colourKey = '';
    const tileImage = new ImageData(TILE_SIZE, TILE_SIZE);
    const words = new Uint32Array(tileImage.data.buffer);
    const context = canvas.getContext('2d')!;

    const paintTile = (raster: RasterRecord, position: number, rect?: TileRect) => {
      const tile = raster.tiles[position];
      const x0 = (position % raster.columns) * TILE_SIZE;
      const y0 = Math.floor(position / raster.columns) * TILE_SIZE;
      const width = Math.min(TILE_SIZE, raster.width - x0);
      const height = Math.min(TILE_SIZE, raster.height - y0);
      if (typeof tile === 'number') {
        context.clearRect(x0, y0, width, height);
        if (tile !== 0) {
          context.fillStyle = editor.getSegments().find((segment) => segment.value === tile)?.color ?? 'transparent';
          context.fillRect(x0, y0, width, height);
        }
        return;
      }
      // Only the written part is converted and uploaded: a brush dab touches a few thousand of a tile's 65,536 pixels.
      const left = rect?.left ?? 0;
      const top = rect?.top ?? 0;
      const right = Math.min(rect?.right ?? TILE_SIZE - 1, width - 1);
      const bottom = Math.min(rect?.bottom ?? TILE_SIZE - 1, height - 1);
      for (let row = top; row <= bottom; row++) {
        for (let index = row * TILE_SIZE + left, end = row * TILE_SIZE + right; index <= end; index++) words[index] = colours[tile[index]] ?? 0;
      }
      context.putImageData(tileImage, x0, y0, left, top, right - left + 1, bottom - top + 1);
    };

    const repaint = (change: RasterChange) => {
      const raster = editor.getRaster();
      if (!raster) return;
      const size = `${raster.width}x${raster.height}`;
      const key = editor.getSegments().map((segment) => `${segment.value}${segment.color}`).join();
      const full = size !== drawnSize || key !== colourKey;
      if (full) {
        canvas.width = raster.width;
        canvas.height = raster.height;
        colours = colourTable(editor);
        colourKey = key;
        drawnSize = size;
      }
      raster.tiles.forEach((tile, position) => {
        if (full || tile !== drawn[position]) paintTile(raster, position);
        else if (change !== 'all' && change.has(position)) paintTile(raster, position, change.get(position));
      });
      drawn = raster.tiles;
    };
    repaint('all');
    const unsubscribeRaster = editor.subscribeRaster(repaint);
    // Records replaced without a raster notice (segments recoloured, a draft loaded) repaint what changed.
    const unsubscribeStore = editor.store.subscribe(() => repaint(new Map()));
    return () => {
      unsubscribeRaster();
      unsubscribeStore();
    };
  }, [editor, canvasRef]);
}

/** Whether the image's pixels may be read (a cross-origin image without CORS taints a canvas). */
function pixelsReadable(image: HTMLImageElement): boolean {
  try {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.drawImage(image, 0, 0, 1, 1);
    probe.getImageData(0, 0, 1, 1);
    return true;
  } catch {
    return false;
  }
}

/** The image, the mask over it and the brush outline, with pointer input forwarded to the editor. */
export function MaskCanvas({ editor, imageUrl }: { editor: MaskEditor; imageUrl: string | undefined }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const camera = useMaskState(editor, (state) => state.camera);
  const imageSize = useMaskState(editor, (state) => state.imageSize);
  const opacity = useMaskState(editor, (state) => state.opacity);
  const toolId = useMaskState(editor, (state) => state.toolId);
  const toolState = useMaskState(editor, (state) => state.toolState);
  const brushSize = useMaskState(editor, (state) => state.brushSize);
  const cursor = useMaskState(editor, (state) => state.cursor);
  const preview = useMaskState(editor, (state) => state.polygonPreview);
  const panning = useMaskState(editor, (state) => state.panning);
  useRasterPainter(editor, canvasRef);

  useViewportSize(editor, containerRef);

  // The image's size makes the mask; its pixels feed the superpixel tool (same-origin images only).
  useEffect(() => {
    if (!imageUrl) return;
    const image = new Image();
    image.onload = () => {
      editor.setImageSize({ width: image.naturalWidth, height: image.naturalHeight });
      if (!pixelsReadable(image)) return;
      let pixels: CanvasRenderingContext2D | null = null;
      editor.setPixelSource({
        width: image.naturalWidth,
        height: image.naturalHeight,
        readRegion: (x, y, width, height) => {
          if (!pixels) {
            const canvas = document.createElement('canvas');
            canvas.width = image.naturalWidth;
            canvas.height = image.naturalHeight;
            pixels = canvas.getContext('2d', { willReadFrequently: true })!;
            pixels.drawImage(image, 0, 0);
          }
          return pixels.getImageData(x, y, width, height).data;
        },
      });
    };
    image.src = imageUrl;
    return () => {
      image.onload = null;
    };
  }, [editor, imageUrl]);

  useWheelZoom(editor, containerRef);

  const toInput = (event: ReactPointerEvent | ReactMouseEvent): PointerInput => pointerInputOf(containerRef.current!, event);

  const transform = `translate(${camera.x}px, ${camera.y}px) scale(${camera.zoom})`;
  const brushLike = toolId === 'brush' || toolId === 'eraser' || toolId === 'superpixel';
  return (
    <div
      ref={containerRef}
      className="tw-canvas tw-mask-canvas"
      data-testid="canvas"
      data-tool-state={toolState}
      style={{ cursor: panning ? 'grabbing' : 'crosshair' }}
      onPointerDown={(event) => {
        containerRef.current?.setPointerCapture?.(event.pointerId);
        editor.pointerDown(toInput(event));
      }}
      onPointerMove={(event) => {
        // Coalesced events keep fast strokes smooth without a move per frame.
        const events = (event.nativeEvent as PointerEvent).getCoalescedEvents?.() ?? [];
        if (events.length > 1) for (const coalesced of events) editor.pointerMove(toInput(coalesced as unknown as ReactPointerEvent));
        else editor.pointerMove(toInput(event));
      }}
      onPointerUp={(event) => {
        containerRef.current?.releasePointerCapture?.(event.pointerId);
        editor.pointerUp(toInput(event));
      }}
      onPointerLeave={() => editor.pointerLeave()}
      onDoubleClick={(event) => editor.doubleClick(toInput(event))}
      onContextMenu={(event) => event.preventDefault()}
    >
      <div className="tw-mask-layers" style={{ transform, transformOrigin: '0 0', width: imageSize?.width, height: imageSize?.height }}>
        {imageUrl && <img src={imageUrl} alt="" draggable={false} style={{ imageOrientation: 'none' }} />}
        <canvas ref={canvasRef} data-testid="mask-layer" style={{ opacity }} />
      </div>
      <svg className="tw-mask-overlay" width="100%" height="100%" aria-hidden="true">
        <g transform={`translate(${camera.x} ${camera.y}) scale(${camera.zoom})`} fill="none" strokeWidth={1.5 / camera.zoom}>
          {brushLike && cursor && <circle cx={cursor.x} cy={cursor.y} r={brushSize / 2} stroke="white" strokeDasharray={`${4 / camera.zoom}`} />}
          {preview && (
            <polyline
              points={[...preview.vertices, ...(preview.cursor ? [preview.cursor] : [])].map((point) => `${point.x},${point.y}`).join(' ')}
              stroke="#facc15"
            />
          )}
        </g>
      </svg>
    </div>
  );
}
