import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';

/** Waiting for the link's source: a click on an annotation the active link type may start from. */
export class LinkIdle extends ToolState {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    const editor = this.editor;
    const source = editor.shapeAt(event.point, (shape) => editor.canLinkFrom(shape));
    if (!source) {
      editor.notify(`Click the object the “${editor.getState().activeLinkType}” link starts from.`);
      return;
    }
    editor.setSelection([source.id]);
    this.tool.transition('choosing-target', { sourceId: source.id });
  }
}
