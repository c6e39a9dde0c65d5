import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';

/** Each click places one point. */
export class PointIdle extends ToolState {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    const point = this.editor.clampToImage(event.point);
    this.editor.addShape({ ...this.editor.newShapeBase('point'), type: 'point', x: point.x, y: point.y });
  }
}
