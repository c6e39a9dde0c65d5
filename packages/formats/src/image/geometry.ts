import type { Vertex } from './types.ts';

const TURN = 2 * Math.PI;

/** An angle in radians brought into [0, 2π), the range a saved `rotation` has (task-types.md §2.2). */
export function normaliseRotation(angle: number): number {
  const turned = angle % TURN;
  return turned < 0 ? turned + TURN : turned;
}

/**
 * The corners of a box turned by `rotation` radians clockwise (y points down) about its centre,
 * starting at the image of the unrotated top-left corner: TL, TR, BR, BL (task-types.md §2.2).
 * The editor saves them as a rotated box's `vertices`; the server checks and exports them.
 */
export function rotatedBoxCorners(box: { left: number; top: number; width: number; height: number; rotation?: number }): Vertex[] {
  const rotation = box.rotation ?? 0;
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const corners: Array<[number, number]> = [
    [box.left, box.top],
    [box.left + box.width, box.top],
    [box.left + box.width, box.top + box.height],
    [box.left, box.top + box.height],
  ];
  return corners.map(([x, y]) => ({ x: cx + (x - cx) * cos - (y - cy) * sin, y: cy + (x - cx) * sin + (y - cy) * cos }));
}
