import type { Rect, Vec } from '../geometry.ts';
import type { GeometryType, Handle, RenderPrimitive, ShapeOfType } from '../types.ts';

/** The part of a shape every geometry shares; creation tools and hypothesis loading supply it. */
export type ShapeBase<T extends GeometryType> = Pick<ShapeOfType<T>, 'id' | 'label' | 'attributes' | 'index'>;

/** The size rules a shape must meet (from the task's geometry parameters). */
export interface SizeRules {
  minWidth: number;
  minHeight: number;
  minVertices: number;
  maxVertices?: number;
  /** The geometry may be rotated (Scale's `can_rotate`, boxes only). */
  canRotate?: boolean;
}

export interface SerialiseOptions {
  integerPixels: boolean;
  /** Boxes carry `rotation` and `vertices` (Scale's `can_rotate`). */
  canRotate?: boolean;
}

/** Modifier state of a handle drag: Shift snaps a rotation to 15° steps. */
export interface DragOptions {
  snap?: boolean;
}

/**
 * Everything the editor needs to know about one geometry. The engine never branches on shape type:
 * it asks the shape's module.
 */
export interface ShapeUtil<T extends GeometryType> {
  type: T;
  /** Bounding rectangle, for marquee selection and zoom-to-shape. */
  bounds(shape: ShapeOfType<T>): Rect;
  /** Whether `point` hits the shape; `tolerance` is in image pixels (a few screen pixels at the current zoom). */
  hitTest(shape: ShapeOfType<T>, point: Vec, tolerance: number): boolean;
  /** Handles of the selected shape; `rules.canRotate` adds a rotation handle where the geometry has one. */
  handles(shape: ShapeOfType<T>, rules?: SizeRules): Handle[];
  /** The shape with one handle moved to `point`, respecting the size rules. */
  dragHandle(shape: ShapeOfType<T>, handleId: string, point: Vec, rules: SizeRules, options?: DragOptions): ShapeOfType<T>;
  /** Where the shape's caption is drawn: its top-left-most point, so the text sits just above it. */
  labelAnchor(shape: ShapeOfType<T>): Vec;
  translate(shape: ShapeOfType<T>, delta: Vec): ShapeOfType<T>;
  render(shape: ShapeOfType<T>): RenderPrimitive[];
  /** Why the shape breaks the size rules, or null if it is fine. */
  sizeProblem(shape: ShapeOfType<T>, rules: SizeRules): string | null;
  /** The geometry fields of the Scale response (label, uuid and attributes are added by the caller). */
  toScaleFields(shape: ShapeOfType<T>, options: SerialiseOptions): Record<string, unknown>;
  /** The shape between two keyframes of a video track, `t` in [0, 1]; label and attributes are `a`'s. */
  interpolate(a: ShapeOfType<T>, b: ShapeOfType<T>, t: number): ShapeOfType<T>;
  /** Reads the geometry fields of a Scale annotation (a hypothesis or a saved draft); null if unusable. */
  fromScaleFields(annotation: Record<string, unknown>, base: ShapeBase<T>): ShapeOfType<T> | null;
}

/** A finite number, or undefined. */
export const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Reads `[{x, y}, …]`; null when any entry is malformed. */
export function readVertices(value: unknown): Vec[] | null {
  if (!Array.isArray(value)) return null;
  const vertices: Vec[] = [];
  for (const entry of value) {
    const x = finite((entry as Vec | null)?.x);
    const y = finite((entry as Vec | null)?.y);
    if (x === undefined || y === undefined) return null;
    vertices.push({ x, y });
  }
  return vertices;
}

export const pointsAttribute = (vertices: readonly Vec[]): string => vertices.map((vertex) => `${vertex.x},${vertex.y}`).join(' ');
