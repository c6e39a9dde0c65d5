import type { Editor } from './editor.ts';
import { paintShapes, type ShapesPaintView } from './paint-shapes.ts';
import type { Camera } from './viewport.ts';
import type { Shape } from './types.ts';

/** What a frame of the two layers painted; `still` is null when that layer was left as it was. */
export interface LayersPaint {
  still: Shape[] | null;
  moving: Shape[] | null;
}

/** What the still layer's last paint depended on, to tell whether it must be painted again. */
interface StillPainted {
  ids: readonly string[];
  records: Map<string, Shape>;
  moving: ReadonlySet<string>;
  camera: Camera;
  scale: number;
  view: ShapesPaintView['view'];
  selected: string;
  flags: number;
  width: number;
  height: number;
}

/**
 * Paints an editor's shapes on two canvases of the viewport's size: the shapes a gesture in
 * progress is changing (a dragged box, a resized or rotated one, a moved vertex, a box being drawn:
 * the ids in the history's pending entry) on a small "moving" layer above, and all the others on a
 * "still" layer below that a gesture's steps leave alone. Dragging one box of 1,000 then repaints one
 * box and its caption per pointer move; the still canvas is painted once when the gesture starts
 * (without the shape) and once when it ends (with it), and a canvas not drawn to is neither
 * rasterised nor uploaded again. The moving shapes are drawn over every still shape and caption
 * while the gesture lasts (as CVAT does); after it, paint order is the store's again.
 *
 * Each frame it compares what the still layer depends on (camera, size, view, selection,
 * hidden/locked flags, the records of the shapes on it) with its last paint, by reference: an
 * unchanged frame paints nothing at all.
 */
export class LayeredShapesPainter {
  private still: StillPainted | null = null;
  private movingPainted = false;
  /** Counts changes of the hidden and locked flags (the editor replaces nothing one could compare). */
  private flags = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly editor: Editor) {
    this.unsubscribe = editor.subscribeFlags(() => this.flags++);
  }

  dispose(): void {
    this.unsubscribe();
  }

  paint(stillContext: CanvasRenderingContext2D, movingContext: CanvasRenderingContext2D, view: ShapesPaintView): LayersPaint {
    const { editor } = this;
    const moving = new Set<string>();
    for (const id of editor.history.pendingIds()) if (editor.store.get(id)) moving.add(id);
    const result: LayersPaint = { still: null, moving: null };
    if (this.stillIsStale(stillContext.canvas, moving, view)) {
      const records = new Map<string, Shape>();
      const stillShapes: Shape[] = [];
      for (const shape of editor.store.getAll()) {
        records.set(shape.id, shape);
        if (!moving.has(shape.id)) stillShapes.push(shape);
      }
      result.still = paintShapes(stillContext, editor, view, stillShapes);
      this.still = {
        ids: editor.store.getIds(),
        records,
        moving,
        camera: view.camera,
        scale: view.scale,
        view: view.view,
        selected: [...view.selected].join('\n'),
        flags: this.flags,
        width: stillContext.canvas.width,
        height: stillContext.canvas.height,
      };
    }
    // The moving layer follows every store change of its shapes; an empty one is cleared once.
    if (moving.size > 0 || this.movingPainted) {
      result.moving = paintShapes(movingContext, editor, view, [...moving].map((id) => editor.store.get(id)!));
      this.movingPainted = moving.size > 0;
    }
    return result;
  }

  private stillIsStale(canvas: { width: number; height: number }, moving: ReadonlySet<string>, view: ShapesPaintView): boolean {
    const painted = this.still;
    if (!painted) return true;
    if (painted.camera !== view.camera || painted.scale !== view.scale || painted.view !== view.view || painted.flags !== this.flags) return true;
    if (painted.width !== canvas.width || painted.height !== canvas.height) return true;
    if (painted.selected !== [...view.selected].join('\n')) return true;
    if (painted.moving.size !== moving.size || [...moving].some((id) => !painted.moving.has(id))) return true;
    const { store } = this.editor;
    if (painted.ids !== store.getIds()) return true;
    for (const id of painted.ids) {
      if (!moving.has(id) && store.get(id) !== painted.records.get(id)) return true;
    }
    return false;
  }
}
