import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';
import { distance, type Vec } from '../../geometry.ts';
import { DRAG_THRESHOLD_PX } from '../../constants.ts';

export interface PointingInfo {
  origin: Vec;
  screenOrigin: Vec;
}

/** Pressed on a shape: a release is a click (selection already done), a move past the threshold drags. */
export class SelectPointing extends ToolState<PointingInfo> {
  readonly name = 'pointing';
  private info: PointingInfo = { origin: { x: 0, y: 0 }, screenOrigin: { x: 0, y: 0 } };

  override onEnter(info: PointingInfo): void {
    this.info = info;
  }

  override onPointerMove(event: ToolPointerEvent): void {
    if (distance(event.screen, this.info.screenOrigin) >= DRAG_THRESHOLD_PX) {
      this.tool.transition('translating', { origin: this.info.origin });
      this.tool.state.onPointerMove(event);
    }
  }

  override onPointerUp(): void {
    this.tool.transition('idle');
  }

  override onCancel(): void {
    this.tool.transition('idle');
  }
}
