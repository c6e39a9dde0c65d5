import { utilOf } from '../../shapes/index.ts';
import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import type { Shape } from '../../types.ts';

export interface HandleDragInfo {
  shapeId: string;
  handleId: string;
}

/** Dragging a resize or rotate handle (Shift snaps rotation to 15°); the shape never shrinks below its geometry's minimum size. */
export class SelectResizing extends ToolState<HandleDragInfo> {
  readonly name: string = 'resizing';
  protected initial: Shape | undefined;
  protected handleId = '';

  override onEnter(info: HandleDragInfo): void {
    this.initial = this.editor.store.get(info.shapeId);
    this.handleId = info.handleId;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    const shape = this.initial;
    if (!shape) return;
    const point = this.editor.clampToImage(event.point);
    this.editor.putShapes([utilOf(shape).dragHandle(shape, this.handleId, point, this.editor.rulesFor(shape.type), { snap: event.shiftKey })]);
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
