import { ToolState } from '../../tools/tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import type { MaskEditor } from '../mask-editor.ts';
import { floodFill } from '../paint.ts';
import type { SuperpixelCache } from '../superpixels.ts';
import type { RasterWriter } from '../raster-writer.ts';

/** A click fills the connected area of the same value (unlabeled, or one segment) with the active label. */
export class FloodFillIdle extends ToolState<void, MaskEditor> {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    const value = this.editor.activeValue();
    const writer = this.editor.beginRasterEdit();
    if (value === null || !writer) return;
    floodFill(writer, event.point, value);
    this.editor.finishRasterEdit(writer);
  }
}

/**
 * Superpixel fill, the assisted tool: a click (or a drag) fills the superpixels under the pointer,
 * so one click follows the object's colour edges. Superpixels are about brush-size wide.
 */
export class SuperpixelIdle extends ToolState<void, MaskEditor> {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    const value = this.editor.activeValue();
    const writer = this.editor.beginRasterEdit();
    const cache = this.editor.superpixels();
    if (value === null || !writer) return;
    if (!cache) {
      this.editor.notify('The image pixels are not readable (a cross-origin image without CORS), so superpixels are unavailable.');
      return;
    }
    cache.fill(writer, event.point, this.editor.getState().brushSize, value);
    this.editor.progressRasterEdit(writer);
    this.tool.transition('dragging', { writer, cache, value });
  }
}

interface Dragging {
  writer: RasterWriter;
  cache: SuperpixelCache;
  value: number;
}

export class SuperpixelDragging extends ToolState<Dragging, MaskEditor> {
  readonly name = 'dragging';
  private info: Dragging | null = null;

  override onEnter(info: Dragging): void {
    this.info = info;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    if (!this.info) return;
    const { writer, cache, value } = this.info;
    if (writer.read(Math.floor(event.point.x), Math.floor(event.point.y)) === value) return;
    cache.fill(writer, event.point, this.editor.getState().brushSize, value);
    this.editor.progressRasterEdit(writer);
  }

  override onPointerUp(): void {
    const info = this.info;
    this.info = null;
    if (info) this.editor.finishRasterEdit(info.writer);
    this.tool.transition('idle');
  }

  override onCancel(): void {
    if (this.info) this.editor.cancelRasterEdit();
    this.info = null;
    this.tool.transition('idle');
  }
}
