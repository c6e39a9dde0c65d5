import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';

/** Waiting for a press that starts a new shape. */
export class DragShapeIdle extends ToolState {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    this.tool.transition('pointing', { origin: this.editor.clampToImage(event.point), screenOrigin: event.screen });
  }
}
