import { ToolState } from '../tool.ts';
import type { KeyInput, ToolPointerEvent } from '../../events.ts';
import { distance, type Vec } from '../../geometry.ts';
import { utilOf } from '../../shapes/index.ts';
import type { LineShape, PolygonShape } from '../../types.ts';

/**
 * Clicking adds points (shown as a preview, not yet in the store). Enter, a double-click, or a
 * click on the first point of a polygon finishes; the finished shape is one undo step. Backspace
 * removes the last point, Escape abandons the shape. Reaching `max_vertices` finishes by itself.
 */
export abstract class PathDrawing extends ToolState<{ first: Vec }> {
  readonly name = 'drawing';
  abstract readonly geometry: 'polygon' | 'line';
  private vertices: Vec[] = [];

  override onEnter(info: { first: Vec }): void {
    this.vertices = [info.first];
    this.showPreview(null);
    this.finishIfFull();
  }

  override onExit(): void {
    this.vertices = [];
    this.editor.setPathPreview(null);
  }

  override onPointerMove(event: ToolPointerEvent): void {
    this.showPreview(this.editor.clampToImage(event.point));
  }

  override onPointerDown(event: ToolPointerEvent): void {
    const point = this.editor.clampToImage(event.point);
    const tolerance = this.editor.pageTolerance();
    if (this.geometry === 'polygon' && this.vertices.length >= 3 && distance(point, this.vertices[0]) <= tolerance) {
      this.finish();
      return;
    }
    // A double-click also arrives as two presses at the same place; don't add the point twice.
    if (distance(point, this.vertices[this.vertices.length - 1]) <= tolerance / 2) return;
    this.vertices.push(point);
    this.showPreview(point);
    this.finishIfFull();
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
      else this.showPreview(null);
      return true;
    }
    if (key.key === 'Escape') {
      this.onCancel();
      return true;
    }
    return false;
  }

  override onCancel(): void {
    this.tool.transition('idle');
  }

  private showPreview(cursor: Vec | null): void {
    this.editor.setPathPreview({ geometry: this.geometry, vertices: this.vertices.slice(), cursor });
  }

  private finishIfFull(): void {
    const { maxVertices } = this.editor.rulesFor(this.geometry);
    if (maxVertices !== undefined && this.vertices.length >= maxVertices) this.finish();
  }

  /** Keeps the shape if it has enough points; otherwise says so and keeps drawing. */
  private finish(): void {
    const shape = { ...this.editor.newShapeBase(this.geometry), type: this.geometry, vertices: this.vertices.slice() } as
      | PolygonShape
      | LineShape;
    const problem = utilOf(shape).sizeProblem(shape, this.editor.rulesFor(this.geometry));
    if (problem) {
      this.editor.notify(problem);
      return;
    }
    this.editor.notify(null);
    this.tool.transition('idle');
    this.editor.addShape(shape);
  }
}
