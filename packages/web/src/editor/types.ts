import type { Vec } from './geometry.ts';

/** The geometries of Scale's imageannotation task, each drawn by its own shape module. */
export type GeometryType = 'box' | 'polygon' | 'line' | 'point' | 'ellipse' | 'cuboid';

export const GEOMETRY_TYPES: readonly GeometryType[] = ['box', 'polygon', 'line', 'point', 'ellipse', 'cuboid'];

/** A value a labeler gave an annotation attribute: category (one or several), number, angle or text. */
export type AttributeValue = string | string[] | number;

interface ShapeBase {
  /** Also the annotation's `uuid` in the saved response, so hypotheses keep theirs. */
  id: string;
  label: string;
  attributes: Readonly<Record<string, AttributeValue>>;
  /** Creation order; the store lists shapes by it so undo puts a deleted shape back where it was. */
  index: number;
}

/**
 * `left`/`top`/`width`/`height` describe the unrotated box; `rotation` turns it clockwise about its
 * centre, in radians in [0, 2π) (Scale's rotated box, task-types.md §2.2). 0 unless the task has
 * `can_rotate`.
 */
export interface BoxShape extends ShapeBase {
  type: 'box';
  left: number;
  top: number;
  width: number;
  height: number;
  rotation: number;
}

export interface PolygonShape extends ShapeBase {
  type: 'polygon';
  vertices: readonly Vec[];
}

export interface LineShape extends ShapeBase {
  type: 'line';
  vertices: readonly Vec[];
}

export interface PointShape extends ShapeBase {
  type: 'point';
  x: number;
  y: number;
}

export interface EllipseShape extends ShapeBase {
  type: 'ellipse';
  /** Centre. */
  x: number;
  y: number;
  rx: number;
  ry: number;
  /** Clockwise, in radians. */
  rotation: number;
}

/**
 * Scale's 2-D cuboid: a rectangular front face plus the visible side, given by the vertical edge
 * furthest from the face (its x and the y of its top and bottom corners).
 */
export interface CuboidShape extends ShapeBase {
  type: 'cuboid';
  left: number;
  top: number;
  width: number;
  height: number;
  sideX: number;
  sideTop: number;
  sideBottom: number;
}

export type Shape = BoxShape | PolygonShape | LineShape | PointShape | EllipseShape | CuboidShape;

export type ShapeOfType<T extends GeometryType> = Extract<Shape, { type: T }>;

/** What a shape looks like, as plain data; the React layer turns it into SVG elements. */
export type RenderPrimitive =
  | { kind: 'rect'; x: number; y: number; width: number; height: number }
  | { kind: 'polygon'; points: string }
  | { kind: 'polyline'; points: string }
  | { kind: 'point'; cx: number; cy: number }
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; rotationDegrees: number }
  | { kind: 'segment'; x1: number; y1: number; x2: number; y2: number };

/**
 * A draggable point on a selected shape. `resize` handles change the extent of box-like shapes
 * (clamped to the minimum size); `vertex` handles move one vertex of a polygon or line.
 */
export interface Handle {
  id: string;
  kind: 'resize' | 'vertex' | 'rotate';
  point: Vec;
}

/**
 * A relation between two annotations (Scale's `links`): `label` is the link type's key in
 * `params.links`, `from`/`to` annotation uuids. Saved as `{uuid, label, from, to}`.
 */
export interface LinkRecord {
  id: string;
  label: string;
  from: string;
  to: string;
  index: number;
}
