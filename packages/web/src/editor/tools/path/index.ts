import { PathIdle } from './idle.ts';
import { PathDrawing } from './drawing.ts';

/** idle → drawing, for polygons and lines: click points, Enter or double-click to finish. */
export function pathStates(geometry: 'polygon' | 'line') {
  return [
    PathIdle,
    class extends PathDrawing {
      readonly geometry = geometry;
    },
  ];
}
