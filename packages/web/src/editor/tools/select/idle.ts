import { utilOf } from '../../shapes/index.ts';
import { ToolState } from '../tool.ts';
import type { KeyInput, ToolPointerEvent } from '../../events.ts';
import { distanceToSegment } from '../../geometry.ts';
import { vertexIndexOf } from '../../shapes/path-helpers.ts';
import type { LineShape, PolygonShape } from '../../types.ts';

const NUDGE: Record<string, { x: number; y: number }> = {
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
};

/** Waiting: a press grabs a handle, a shape, or clears the selection. */
export class SelectIdle extends ToolState {
  readonly name = 'idle';

  override onPointerDown(event: ToolPointerEvent): void {
    const editor = this.editor;
    const grabbed = editor.handleAt(event.point);
    if (grabbed) {
      if (grabbed.handle.kind === 'vertex') {
        if (event.altKey) return this.removeVertex(grabbed.shape as PolygonShape | LineShape, vertexIndexOf(grabbed.handle.id));
        return this.tool.transition('editing-vertex', { shapeId: grabbed.shape.id, handleId: grabbed.handle.id });
      }
      return this.tool.transition('resizing', { shapeId: grabbed.shape.id, handleId: grabbed.handle.id });
    }
    const shape = editor.shapeAt(event.point);
    if (!shape) {
      if (!event.shiftKey) editor.setSelection([]);
      return;
    }
    if (event.shiftKey) editor.toggleSelected(shape.id);
    else if (!editor.isSelected(shape.id)) editor.setSelection([shape.id]);
    this.tool.transition('pointing', { origin: event.point, screenOrigin: event.screen });
  }

  /** Double-clicking an edge of the selected polygon or line inserts a vertex there. */
  override onDoubleClick(event: ToolPointerEvent): void {
    const [shape] = this.editor.getSelectedShapes();
    if (!shape || (shape.type !== 'polygon' && shape.type !== 'line') || !this.editor.canMove(shape)) return;
    const rules = this.editor.rulesFor(shape.type);
    if (rules.maxVertices !== undefined && shape.vertices.length >= rules.maxVertices) return;
    const vertices = shape.vertices;
    const segmentCount = shape.type === 'polygon' ? vertices.length : vertices.length - 1;
    for (let index = 0; index < segmentCount; index++) {
      const next = (index + 1) % vertices.length;
      if (distanceToSegment(event.point, vertices[index], vertices[next]) <= this.editor.pageTolerance()) {
        const inserted = [...vertices.slice(0, index + 1), event.point, ...vertices.slice(index + 1)];
        this.editor.putShapes([{ ...shape, vertices: inserted }]);
        this.editor.commit();
        return;
      }
    }
  }

  override onKeyDown(key: KeyInput): boolean {
    const direction = NUDGE[key.key];
    const selected = this.editor.getSelectedShapes().filter((shape) => this.editor.canMove(shape));
    if (!direction || selected.length === 0) return false;
    const step = key.shiftKey ? 10 : 1;
    this.editor.putShapes(
      selected.map((shape) => utilOf(shape).translate(shape, { x: direction.x * step, y: direction.y * step })),
    );
    this.editor.commit();
    return true;
  }

  private removeVertex(shape: PolygonShape | LineShape, index: number): void {
    const rules = this.editor.rulesFor(shape.type);
    if (shape.vertices.length <= rules.minVertices) {
      this.editor.notify(`A ${shape.type} needs at least ${rules.minVertices} points.`);
      return;
    }
    this.editor.putShapes([{ ...shape, vertices: shape.vertices.filter((_, position) => position !== index) }]);
    this.editor.commit();
  }
}
