import { ToolState } from '../../tools/tool.ts';
import type { KeyInput, ToolPointerEvent } from '../../events.ts';
import { distance, type Vec } from '../../geometry.ts';
import type { MaskEditor } from '../mask-editor.ts';
import { fillPolygon } from '../paint.ts';

export class PolygonIdle extends ToolState<void, MaskEditor> {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    if (this.editor.activeValue() === null) {
      this.editor.notify('Pick a label to fill with.');
      return;
    }
    this.tool.transition('drawing', { first: this.editor.clampToImage(event.point) });
  }
}

/**
 * Clicks add vertices; Enter, a double-click or a click on the first vertex fills the polygon with
 * the active label (one undo step). Backspace drops the last vertex, Escape abandons the polygon.
 */
export class PolygonDrawing extends ToolState<{ first: Vec }, MaskEditor> {
  readonly name = 'drawing';
  private vertices: Vec[] = [];

  override onEnter(info: { first: Vec }): void {
    this.vertices = [info.first];
    this.editor.setPolygonPreview({ vertices: this.vertices.slice(), cursor: null });
  }

  override onExit(): void {
    this.vertices = [];
    this.editor.setPolygonPreview(null);
  }

  override onPointerMove(event: ToolPointerEvent): void {
    this.editor.setPolygonPreview({ vertices: this.vertices.slice(), cursor: this.editor.clampToImage(event.point) });
  }

  override onPointerDown(event: ToolPointerEvent): void {
    const point = this.editor.clampToImage(event.point);
    const tolerance = this.editor.pageTolerance();
    if (this.vertices.length >= 3 && distance(point, this.vertices[0]) <= tolerance) {
      this.finish();
      return;
    }
    if (distance(point, this.vertices[this.vertices.length - 1]) <= tolerance / 2) return;
    this.vertices.push(point);
    this.editor.setPolygonPreview({ vertices: this.vertices.slice(), cursor: point });
  }

  override onDoubleClick(): void {
    this.finish();
  }

  override onKeyDown(key: KeyInput): boolean {
    if (key.key === 'Enter') {
      this.finish();
      return true;
    }
    if (key.key === 'Backspace' || key.key === 'Delete') {
      this.vertices.pop();
      if (this.vertices.length === 0) this.tool.transition('idle');
      else this.editor.setPolygonPreview({ vertices: this.vertices.slice(), cursor: null });
      return true;
    }
    return false;
  }

  override onCancel(): void {
    this.tool.transition('idle');
  }

  private finish(): void {
    const value = this.editor.activeValue();
    const writer = this.editor.beginRasterEdit();
    if (this.vertices.length < 3) {
      this.editor.notify('A polygon needs at least 3 points.');
      return;
    }
    if (value !== null && writer) {
      fillPolygon(writer, this.vertices, value);
      this.editor.finishRasterEdit(writer);
    }
    this.editor.notify(null);
    this.tool.transition('idle');
  }
}
