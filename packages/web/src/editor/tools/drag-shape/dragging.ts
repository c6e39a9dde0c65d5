import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import type { Vec } from '../../geometry.ts';
import { utilOf, type ShapeBase } from '../../shapes/index.ts';
import type { Shape } from '../../types.ts';
import { shapeFromDrag, type DragGeometry } from './shape-from-drag.ts';

/**
 * Drawing: the shape lives in the store while the pointer moves (so it renders like any other).
 * On release it is kept only if it meets the task's minimum size; otherwise it is rolled back
 * and the labeler is told why.
 */
export abstract class DragShapeDragging extends ToolState<{ origin: Vec }> {
  readonly name = 'dragging';
  abstract readonly geometry: DragGeometry;
  private origin: Vec = { x: 0, y: 0 };
  private base: ShapeBase<DragGeometry> | undefined;
  private current: Shape | undefined;

  override onEnter(info: { origin: Vec }): void {
    this.origin = info.origin;
    this.base = this.editor.newShapeBase(this.geometry) as ShapeBase<DragGeometry>;
    this.current = undefined;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    if (!this.base) return;
    this.current = shapeFromDrag(this.geometry, this.base, this.origin, this.editor.clampToImage(event.point));
    this.editor.putShapes([this.current]);
  }

  override onPointerUp(event: ToolPointerEvent): void {
    this.onPointerMove(event);
    const shape = this.current;
    const problem = shape ? utilOf(shape).sizeProblem(shape, this.editor.rulesFor(this.geometry)) : 'Nothing was drawn.';
    if (problem || !shape) {
      this.editor.cancelPending();
      this.editor.notify(problem);
    } else {
      this.editor.commit();
      this.editor.setSelection([shape.id]);
      this.editor.notify(null);
    }
    this.tool.transition('idle');
  }

  override onCancel(): void {
    this.editor.cancelPending();
    this.tool.transition('idle');
  }
}
