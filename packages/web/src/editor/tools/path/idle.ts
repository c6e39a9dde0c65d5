import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';

/** Waiting for the first click of a new polygon or line. */
export class PathIdle extends ToolState {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    this.tool.transition('drawing', { first: this.editor.clampToImage(event.point) });
  }
}
