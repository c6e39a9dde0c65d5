import { DragShapeIdle } from './idle.ts';
import { DragShapePointing } from './pointing.ts';
import { DragShapeDragging } from './dragging.ts';
import type { DragGeometry } from './shape-from-drag.ts';

/** idle → pointing → dragging, for one drag-drawn geometry (box, ellipse, cuboid). */
export function dragShapeStates(geometry: DragGeometry) {
  return [
    DragShapeIdle,
    DragShapePointing,
    class extends DragShapeDragging {
      readonly geometry = geometry;
    },
  ];
}
