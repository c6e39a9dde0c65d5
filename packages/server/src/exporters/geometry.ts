import { taskFromStored, type StoredTask, type Task } from '../repositories/task.repository.ts';
import type { ExportStats } from './types.ts';
import { isPlainObject } from '../domain/lenient.ts';

/**
 * What the image formats (COCO, YOLO, Pascal VOC) read from a task: its labeled boxes and polygons,
 * its image size, its attachment, and the label list. Responses have the shapes the workbench saves
 * (services/response-validation.ts): `imageannotation` annotations carry a `type`; the older
 * single-geometry types (`annotation` = boxes, `polygonannotation`) do not.
 */

/** Image task types and the geometry of their annotations (`typed`: each annotation names it). */
const IMAGE_TYPES: Record<string, 'typed' | 'box' | 'polygon' | 'line' | 'point' | 'cuboid'> = {
  imageannotation: 'typed',
  annotation: 'box',
  polygonannotation: 'polygon',
  lineannotation: 'line',
  pointannotation: 'point',
  cuboidannotation: 'cuboid',
};

/** A labeled object as the box formats need it: its bounding box, and the outline of a polygon. */
export interface ImageObject {
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Polygons only: x1, y1, x2, y2, ... */
  polygon?: number[];
  area: number;
}

export function isImageTask(task: Task): boolean {
  return task.type in IMAGE_TYPES;
}

/** The task's boxes, polygons and ellipses (as their bounding boxes); `skipped` counts lines, points, cuboids and malformed shapes. */
export function imageObjects(task: Task): { objects: ImageObject[]; skipped: number } {
  const geometry = IMAGE_TYPES[task.type];
  const response = task.response;
  const annotations = isPlainObject(response) && Array.isArray(response.annotations) ? response.annotations : [];
  const objects: ImageObject[] = [];
  let skipped = 0;
  for (const annotation of annotations) {
    const object = isPlainObject(annotation) ? toObject(annotation, geometry === 'typed' ? annotation.type : geometry) : undefined;
    if (object) objects.push(object);
    else skipped += 1;
  }
  return { objects, skipped };
}

function toObject(annotation: Record<string, unknown>, kind: unknown): ImageObject | undefined {
  const label = annotation.label;
  if (typeof label !== 'string' || label === '') return undefined;
  if (kind === 'box') {
    const { left, top, width, height } = annotation;
    if (![left, top, width, height].every(isFiniteNumber)) return undefined;
    return { label, x: left as number, y: top as number, width: width as number, height: height as number, area: (width as number) * (height as number) };
  }
  if (kind === 'polygon' || kind === 'ellipse') {
    const points = vertices(annotation.vertices);
    if (!points || points.length < (kind === 'polygon' ? 3 : 4)) return undefined;
    const xs = points.map((point) => point.x);
    const ys = points.map((point) => point.y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    const width = Math.max(...xs) - x;
    const height = Math.max(...ys) - y;
    if (kind === 'ellipse') return { label, x, y, width, height, area: (Math.PI * width * height) / 4 };
    return { label, x, y, width, height, polygon: points.flatMap((point) => [point.x, point.y]), area: shoelace(points) };
  }
  return undefined;
}

function vertices(value: unknown): Array<{ x: number; y: number }> | undefined {
  if (!Array.isArray(value)) return undefined;
  const points: Array<{ x: number; y: number }> = [];
  for (const vertex of value) {
    if (!isPlainObject(vertex) || !isFiniteNumber(vertex.x) || !isFiniteNumber(vertex.y)) return undefined;
    points.push({ x: vertex.x, y: vertex.y });
  }
  return points;
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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function positiveNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return isFiniteNumber(number) && number > 0 ? number : undefined;
}

/** The image size from the task's metadata (`width`/`height`, or `image_width`/`image_height`), else the fallback. */
export function imageSize(task: Task, fallback?: { width: number; height: number }): { width: number; height: number } | undefined {
  const metadata = task.metadata;
  const width = positiveNumber(metadata.width) ?? positiveNumber(metadata.image_width);
  const height = positiveNumber(metadata.height) ?? positiveNumber(metadata.image_height);
  if (width !== undefined && height !== undefined) return { width, height };
  return fallback;
}

/** The task's attachment: `attachment`, else the first of `attachments` (a string, or an object's `url`/`content`); '' when none. */
export function attachmentOf(task: Task): string {
  const { attachment, attachments } = task.params;
  if (typeof attachment === 'string') return attachment;
  const first = Array.isArray(attachments) ? attachments[0] : undefined;
  if (typeof first === 'string') return first;
  if (isPlainObject(first)) {
    const value = first.url ?? first.attachment ?? first.content;
    if (typeof value === 'string') return value;
  }
  return '';
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
}

/**
 * The image tasks of a page, for COCO, YOLO and Pascal VOC: every task read, image, unknown size and
 * shape the formats cannot hold is counted into `stats`, and each task's labels are declared before
 * its answers are indexed, so the class list follows the project's order. Annotations are counted by
 * the format, which may leave some out.
 */
export function* imageTasksOf(page: StoredTask[], stats: ExportStats, labels: LabelRegistry, fallbackSize?: { width: number; height: number }): Generator<ImageTask> {
  for (const stored of page) {
    const task = taskFromStored(stored);
    stats.tasks += 1;
    if (!isImageTask(task)) {
      stats.skippedTasks += 1;
      continue;
    }
    labels.declareLabelsOf(task);
    stats.images += 1;
    const size = imageSize(task, fallbackSize);
    if (!size) stats.missingSize += 1;
    const { objects, skipped } = imageObjects(task);
    stats.skippedShapes += skipped;
    yield { task, size, objects };
  }
}

/** A label and the label it is a subchoice of. */
export interface LabelEntry {
  name: string;
  parent?: string;
}

/**
 * Label names to class numbers, in the order they are first met: each task's declared labels
 * (`objects_to_annotate`, of every geometry, subchoices after their parent) before its answers, so
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

  /** Registers the labels the task offers to labelers. */
  declareLabelsOf(task: Task): void {
    const params = task.params;
    if (task.type === 'imageannotation' && isPlainObject(params.geometries)) {
      for (const geometry of Object.values(params.geometries)) if (isPlainObject(geometry)) this.declareList(geometry.objects_to_annotate);
    } else {
      this.declareList(params.objects_to_annotate);
    }
  }

  private declareList(list: unknown, parent?: string): void {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      if (typeof entry === 'string') this.index(entry, parent);
      else if (isPlainObject(entry) && typeof entry.choice === 'string') {
        this.index(entry.choice, parent);
        this.declareList(entry.subchoices, entry.choice);
      }
    }
  }
}

/** A number as short decimal text: at most `digits` decimals, no trailing zeros. */
export function decimal(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
