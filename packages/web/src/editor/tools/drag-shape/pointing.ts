import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import { distance, type Vec } from '../../geometry.ts';
import { DRAG_THRESHOLD_PX } from '../../constants.ts';

/** Pressed: a move past the threshold starts drawing; a plain click draws nothing. */
export class DragShapePointing extends ToolState<{ origin: Vec; screenOrigin: Vec }> {
  readonly name = 'pointing';
  private origin: Vec = { x: 0, y: 0 };
  private screenOrigin: Vec = { x: 0, y: 0 };

  override onEnter(info: { origin: Vec; screenOrigin: Vec }): void {
    this.origin = info.origin;
    this.screenOrigin = info.screenOrigin;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    if (distance(event.screen, this.screenOrigin) < DRAG_THRESHOLD_PX) return;
    this.tool.transition('dragging', { origin: this.origin });
    this.tool.state.onPointerMove(event);
  }

  override onPointerUp(): void {
    this.tool.transition('idle');
  }

  override onCancel(): void {
    this.tool.transition('idle');
  }
}
