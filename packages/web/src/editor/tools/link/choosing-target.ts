import { ToolState } from '../tool.ts';
import type { ToolPointerEvent } from '../../events.ts';

/** Source chosen: a click on an allowed target adds the link; anywhere else keeps waiting (Esc gives up). */
export class LinkChoosingTarget extends ToolState<{ sourceId: string }> {
  readonly name = 'choosing-target';
  private sourceId = '';

  override onEnter(info: { sourceId: string }): void {
    this.sourceId = info.sourceId;
    this.editor.notify(`Now click the object the “${this.editor.getState().activeLinkType}” link goes to (Esc cancels).`);
  }

  override onPointerDown(event: ToolPointerEvent): void {
    const editor = this.editor;
    const source = editor.store.get(this.sourceId);
    if (!source) return this.tool.transition('idle');
    const target = editor.shapeAt(event.point, (shape) => editor.canLinkTo(source, shape));
    if (!target) {
      editor.notify('A link of this type cannot go to that object. Click another, or press Esc.');
      return;
    }
    editor.addLink(source.id, target.id);
    editor.notify(null);
    this.tool.transition('idle');
  }

  override onCancel(): void {
    this.editor.notify(null);
    this.tool.transition('idle');
  }
}
