import { utilFor } from './shapes/index.ts';
import type { GeometryType, Shape } from './types.ts';

/** `params.layers` keys and the geometry each holds (Scale lists boxes, lines, cuboids, polygons). */
const LAYER_KEYS: Record<string, GeometryType> = {
  boxes: 'box',
  lines: 'line',
  cuboids: 'cuboid',
  polygons: 'polygon',
  points: 'point',
  ellipses: 'ellipse',
};

/**
 * Reads `params.layers` into shapes drawn as a read-only overlay: never selectable, never saved
 * (task-types.md §1.3). Entries that cannot be read are left out.
 */
export function loadLayers(raw: unknown): Shape[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const shapes: Shape[] = [];
  for (const [key, geometry] of Object.entries(LAYER_KEYS)) {
    const entries = (raw as Record<string, unknown>)[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object') continue;
      const annotation = entry as Record<string, unknown>;
      const base = { id: `layer-${shapes.length}`, label: typeof annotation.label === 'string' ? annotation.label : '', attributes: {}, index: shapes.length };
      const shape = utilFor(geometry).fromScaleFields(annotation, base as never);
      if (shape) shapes.push(shape);
    }
  }
  return shapes;
}
