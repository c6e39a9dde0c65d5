import { taskFromStored, type StoredTask, type Task } from '../repositories/task.repository.ts';
import type { ExportStats } from './types.ts';
import { attachmentOf } from '../domain/attachment.ts';
import { statedImageSize } from '../domain/image-size.ts';
export { attachmentOf };

import { familyOf } from '../families/index.ts';
import type { ExportRow, ExportRows, KeypointInstance, LabelEntry, Point, ResultReader } from '../families/types.ts';
import { rotatedBoxCorners } from '@tagwright/formats';

/**
 * What the image formats (COCO, YOLO, Pascal VOC) read from a task: the labeled shapes and label
 * list of its family's export rows (families/<id>/, `exportRows`), its image size, its attachment.
 * A task whose family has no export rows is skipped; of the rows, these formats hold boxes, polygons
 * and ellipses (as their bounding boxes).
 */

/** A labeled object as the box formats need it: its bounding box, and the outline of a polygon. */
export interface ImageObject {
  kind: 'box' | 'polygon' | 'ellipse' | 'mask';
  label: string;
  /** The annotation's uuid, when it has one. */
  uuid?: string;
  /** The bounding box (of a rotated box: of its turned corners). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Rotated boxes only: the unrotated box, its clockwise rotation in radians and its corners TL, TR, BR, BL. */
  rotated?: { left: number; top: number; width: number; height: number; rotation: number; corners: Point[] };
  /** Polygons only: x1, y1, x2, y2, ... */
  polygon?: number[];
  /** Masks only: COCO RLE. */
  rle?: { size: [number, number]; counts: string };
  area: number;
}

/** The rows' boxes, polygons and ellipses (as their bounding boxes); `skipped` counts lines, points, cuboids and unreadable shapes. */
export function imageObjects(exported: ExportRows): { objects: ImageObject[]; skipped: number } {
  const objects: ImageObject[] = [];
  let skipped = exported.unreadable;
  for (const row of exported.rows) {
    const object = toObject(row);
    if (object) objects.push(object);
    else skipped += 1;
  }
  return { objects, skipped };
}

function toObject(row: ExportRow): ImageObject | undefined {
  const object = toShape(row);
  return object && row.uuid ? { ...object, uuid: row.uuid } : object;
}

function toShape({ label, geometry }: ExportRow): ImageObject | undefined {
  if (geometry.kind === 'mask') {
    const [x, y, width, height] = geometry.bbox;
    return { kind: 'mask', label, x, y, width, height, area: geometry.area, rle: geometry.rle };
  }
  if (geometry.kind === 'box') {
    const { left, top, width, height, rotation } = geometry;
    if (!rotation) return { kind: 'box', label, x: left, y: top, width, height, area: width * height };
    const corners = rotatedBoxCorners({ left, top, width, height, rotation });
    const xs = corners.map((corner) => corner.x);
    const ys = corners.map((corner) => corner.y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { kind: 'box', label, x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y, area: width * height, rotated: { left, top, width, height, rotation, corners } };
  }
  if (geometry.kind === 'polygon' || geometry.kind === 'ellipse') {
    const points = geometry.vertices;
    if (points.length < (geometry.kind === 'polygon' ? 3 : 4)) return undefined;
    const xs = points.map((point) => point.x);
    const ys = points.map((point) => point.y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    const width = Math.max(...xs) - x;
    const height = Math.max(...ys) - y;
    if (geometry.kind === 'ellipse') return { kind: 'ellipse', label, x, y, width, height, area: (Math.PI * width * height) / 4 };
    return { kind: 'polygon', label, x, y, width, height, polygon: points.flatMap((point) => [point.x, point.y]), area: shoelace(points) };
  }
  return undefined;
}

function shoelace(points: ReadonlyArray<{ x: number; y: number }>): number {
  let twice = 0;
  for (let index = 0; index < points.length; index++) {
    const a = points[index];
    const b = points[(index + 1) % points.length];
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

/** The image size from the task's metadata (`width`/`height`, or `image_width`/`image_height`), else the fallback. */
export function imageSize(task: Task, fallback?: { width: number; height: number }): { width: number; height: number } | undefined {
  return statedImageSize(task.metadata) ?? fallback;
}

/**
 * The name an image file of the task gets in an export: `<task id><extension>`, the extension taken
 * from the attachment's file name (`.jpg` when it has none). Unique per task, unlike attachment names.
 */
export function imageFileName(task: Task): string {
  const attachment = attachmentOf(task);
  let base = '';
  try {
    base = new URL(attachment).pathname.split('/').pop() ?? '';
  } catch {
    base = attachment.split(/[/\\]/).pop() ?? '';
  }
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(base)?.[0].toLowerCase() ?? '.jpg';
  return `${task.id}${extension}`;
}

/** An image task as the image formats write it: its image size (undefined when unknown) and its shapes. */
export interface ImageTask {
  task: Task;
  size: { width: number; height: number } | undefined;
  objects: ImageObject[];
  /** Keypoint skeletons made of the task's points (which `objects` leaves out and counts as skipped). */
  keypoints: KeypointInstance[];
  /** Set when the task's answer is a raster (a mask): its size, the image's. */
  raster?: { width: number; height: number };
}

/**
 * The image tasks of a page, for COCO, YOLO and Pascal VOC: every task read, image, unknown size and
 * shape the formats cannot hold is counted into `stats`, and each task's labels are declared before
 * its answers are indexed, so the class list follows the project's order. Annotations are counted by
 * the format, which may leave some out.
 */
export async function* imageTasksOf(
  page: StoredTask[],
  stats: ExportStats,
  labels: LabelRegistry,
  fallbackSize?: { width: number; height: number },
  results: ResultReader = async () => undefined,
): AsyncGenerator<ImageTask> {
  for (const stored of page) {
    const task = taskFromStored(stored);
    stats.tasks += 1;
    const rowsOf = familyOf(task.type)?.exportRows;
    if (!rowsOf) {
      stats.skippedTasks += 1;
      continue;
    }
    const exported = await rowsOf(task, results);
    for (const label of exported.labels) labels.index(label.name, label.parent);
    stats.images += 1;
    // A mask's raster has the image's own size, which no metadata can contradict.
    const size = exported.raster ?? imageSize(task, fallbackSize);
    if (!size) stats.missingSize += 1;
    const { objects, skipped } = imageObjects(exported);
    stats.skippedShapes += skipped;
    yield { task, size, objects, keypoints: exported.keypoints ?? [], raster: exported.raster };
  }
}

export type { LabelEntry };

/**
 * Label names to class numbers, in the order they are first met: each task's declared labels
 * (its family's export rows' `labels`, subchoices after their parent) before its answers, so
 * a class list follows the project's own order. Holds one entry per distinct label, never per task.
 */
export class LabelRegistry {
  private readonly indexes = new Map<string, number>();
  readonly entries: LabelEntry[] = [];

  /** The 0-based class number of the label, assigning the next one when it is new. */
  index(name: string, parent?: string): number {
    let index = this.indexes.get(name);
    if (index === undefined) {
      index = this.entries.length;
      this.indexes.set(name, index);
      this.entries.push(parent === undefined ? { name } : { name, parent });
    }
    return index;
  }
}

/** A number as short decimal text: at most `digits` decimals, no trailing zeros. */
export function decimal(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
