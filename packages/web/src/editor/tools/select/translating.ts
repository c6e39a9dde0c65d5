import { utilOf } from '../../shapes/index.ts';
import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import { sub, type Vec } from '../../geometry.ts';
import type { Shape } from '../../types.ts';

/** Dragging the selected shapes; the whole drag is one undo step. */
export class SelectTranslating extends ToolState<{ origin: Vec }> {
  readonly name = 'translating';
  private origin: Vec = { x: 0, y: 0 };
  private initial: Shape[] = [];

  override onEnter(info: { origin: Vec }): void {
    this.origin = info.origin;
    // Locked and fixed (base, not editable) shapes stay put while the rest of the selection moves.
    this.initial = this.editor.getSelectedShapes().filter((shape) => this.editor.canMove(shape));
  }

  override onPointerMove(event: ToolPointerEvent): void {
    const delta = sub(event.point, this.origin);
    this.editor.putShapes(this.initial.map((shape) => utilOf(shape).translate(shape, delta)));
  }

  override onPointerUp(): void {
    this.editor.commit();
    this.tool.transition('idle');
  }

  override onCancel(): void {
    this.editor.cancelPending();
    this.tool.transition('idle');
  }
}
