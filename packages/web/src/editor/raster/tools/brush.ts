import { ToolState } from '../../tools/tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import type { Vec } from '../../geometry.ts';
import type { MaskEditor } from '../mask-editor.ts';
import type { RasterWriter } from '../raster-writer.ts';
import { stampDisc, strokeSegment } from '../paint.ts';

/** Brush and eraser: the eraser paints 0 (unlabeled). */
type Mode = 'paint' | 'erase';

function valueFor(editor: MaskEditor, mode: Mode): number | null {
  return mode === 'erase' ? 0 : editor.activeValue();
}

export abstract class BrushIdle extends ToolState<void, MaskEditor> {
  readonly name = 'idle';
  abstract readonly mode: Mode;

  override onPointerDown(event: ToolPointerEvent): void {
    const value = valueFor(this.editor, this.mode);
    if (value === null) {
      this.editor.notify('Pick a label to paint with.');
      return;
    }
    const writer = this.editor.beginRasterEdit();
    if (!writer) return;
    stampDisc(writer, event.point, this.editor.getState().brushSize, value);
    this.editor.progressRasterEdit(writer);
    this.tool.transition('painting', { writer, last: event.point, value });
  }
}

/** A stroke in progress: every move paints the segment from the last point; release is one undo step. */
export class BrushPainting extends ToolState<{ writer: RasterWriter; last: Vec; value: number }, MaskEditor> {
  readonly name = 'painting';
  private writer: RasterWriter | null = null;
  private last: Vec = { x: 0, y: 0 };
  private value = 0;

  override onEnter(info: { writer: RasterWriter; last: Vec; value: number }): void {
    this.writer = info.writer;
    this.last = info.last;
    this.value = info.value;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    if (!this.writer) return;
    strokeSegment(this.writer, this.last, event.point, this.editor.getState().brushSize, this.value);
    this.last = event.point;
    this.editor.progressRasterEdit(this.writer);
  }

  override onPointerUp(): void {
    const writer = this.writer;
    this.writer = null;
    if (writer) this.editor.finishRasterEdit(writer);
    this.tool.transition('idle');
  }

  override onCancel(): void {
    if (this.writer) this.editor.cancelRasterEdit();
    this.writer = null;
    this.tool.transition('idle');
  }
}

export class PaintIdle extends BrushIdle {
  readonly mode = 'paint';
}

export class EraseIdle extends BrushIdle {
  readonly mode = 'erase';
}
