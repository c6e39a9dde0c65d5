import type { TaskType } from '../domain/task-types.ts';
import type { Task } from '../repositories/task.repository.ts';
import type { FileStore } from '../storage/file-store.ts';

type Params = Record<string, unknown>;

/**
 * One family of task types (image, categorization, fields, …): everything type-specific the generic
 * services need, behind one interface (docs/task-families.md). Each family is a folder
 * `families/<id>/`; `families/index.ts` lists them. Generic code (task creation, the work queue,
 * review, consensus, exports) looks a type's family up there and never names a task type.
 *
 * Validators throw to reject: a FormatError from @tagwright/formats (the generic entry points turn
 * it into a 400 InvalidRequest with the same message) or an InvalidRequest.
 */
export interface TaskFamily {
  /** Folder name, and the id of the web half (packages/web/src/families/<id>/). */
  readonly id: string;
  /** The Scale task types this family owns; each type belongs to exactly one family. */
  readonly taskTypes: readonly TaskType[];
  /**
   * The types a person can finish in the workbench. Live tasks of the family's other types cannot
   * be labeled here (task creation answers 402).
   */
  readonly labelable: readonly TaskType[];
  /** The types whose projects may carry a task template (`template_variables`; GET project task template). */
  readonly templateTypes?: readonly TaskType[];
  /** Checks a new task's params (after project params were merged in); the common attachment-shape checks already ran. */
  validateParams(type: TaskType, params: Params): void;
  /**
   * Fills in, after `validateParams`, what the server generates in a new task's params (the image
   * family: a `uuid` for each base annotation given without one, task-types.md §1.1). Returns the
   * params to store; without it they are stored as given.
   */
  prepareParams?(type: TaskType, params: Params): Params;
  /** Checks a submitted or fixed response; it is already known to be a JSON object. */
  validateResponse(type: string, params: Params, response: Record<string, unknown>, context?: ResponseContext): void;
  /** The synthetic response a test-mode task completes with (contract 5.10): only its shape matters. */
  testResponse(type: string, params: Params): Record<string, unknown>;
  /**
   * Agreement of two responses to one task, 0..1 (consensus, and a gold task's score). Without it
   * two responses agree when their JSON is equal.
   */
  agreement?(type: string, params: Params, a: unknown, b: unknown): number;
  /**
   * The consensus response of a round. `order` lists response indexes most central first (the
   * engine's medoid ranking). Without it the most central response is taken as it is.
   */
  merge?(type: string, params: Params, responses: readonly unknown[], order: readonly number[]): unknown;
  /**
   * The CSV export's `category` cell and `fields.<key>` answer columns of a response. Without it:
   * no category, and the answers of `response.fields`.
   */
  csvCells?(type: string, response: Record<string, unknown>): CsvCells;
  /**
   * What the image and video exporters read from a task (F3); undefined for a family they do not
   * export. A family whose answers live in result files (masks) reads them through `results`.
   */
  exportRows?(task: Task, results: ResultReader): ExportRows | Promise<ExportRows>;
  /**
   * Writes the result files of a response (masks, track files) to the file store on submit or fix,
   * and returns the response to store (with the files' URLs). Files are never rewritten: a fix
   * writes new ones.
   */
  renderResults?(context: RenderContext, type: string, params: Params, response: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** What a response check may know beyond params. */
export interface ResponseContext {
  /** The image's size, when the task's metadata states it (domain/image-size.ts). */
  imageSize?: { width: number; height: number };
}

/** What a response puts in the CSV export's own columns. */
export interface CsvCells {
  category?: unknown;
  answers?: Record<string, unknown>;
}

/** A label a task offers, and the label it is a subchoice of. */
export interface LabelEntry {
  name: string;
  parent?: string;
}

export interface Point {
  x: number;
  y: number;
}

/** A shape as exporters read it, in pixels. */
export type ExportGeometry =
  /** `rotation`: a rotated box's clockwise turn about its centre in radians, (0, 2π); left/top/width/height are the unrotated box. */
  | { kind: 'box'; left: number; top: number; width: number; height: number; rotation?: number }
  | { kind: 'polygon'; vertices: Point[] }
  /** An ellipse by its four extremal points. */
  | { kind: 'ellipse'; vertices: Point[] }
  | { kind: 'line'; vertices: Point[] }
  | { kind: 'point'; x: number; y: number }
  | { kind: 'cuboid'; vertices: Point[] }
  /** A mask as COCO's run-length encoding (pycocotools compressed counts), with its area and bounding box [x, y, width, height]. */
  | { kind: 'mask'; rle: { size: [number, number]; counts: string }; area: number; bbox: [number, number, number, number] };

/** The bytes of one of this server's result files by its URL (undefined when it is not one, or gone). */
export type ResultReader = (url: string) => Promise<Buffer | undefined>;

/** One labeled shape of a task, as a plain record (CVAT's LabeledShape). */
export interface ExportRow {
  /** The attachment the shape is on. */
  image: string;
  /** Video families: the frame index; absent for a still image. */
  frame?: number;
  label: string;
  geometry: ExportGeometry;
  attributes?: Record<string, unknown>;
  /** The annotation's uuid, when it has one (keypoint instances name the box they belong to by it). */
  uuid?: string;
}

/**
 * One instance of a keypoint skeleton (COCO keypoints): the `point` annotations of a task whose
 * `geometries.point.connections` join them. Points are grouped by the linked attribute the
 * connections name (all points linked to one annotation), else the nth point of each label is
 * instance n.
 */
export interface KeypointInstance {
  /** The label of the annotation the points are linked to, else "keypoints". */
  category: string;
  /** The uuid of that annotation, when the points are linked to one. */
  target?: string;
  /** Keypoint names: the point labels the task declares, in order. */
  names: string[];
  /** Bones as pairs of 0-based indexes into `names` (the connections). */
  skeleton: Array<[number, number]>;
  /** One position per name; undefined where the instance has no such point. */
  points: Array<Point | undefined>;
}

export interface ExportRows {
  /** The labels the task offers, in its own order (parents before their subchoices). */
  labels: LabelEntry[];
  rows: ExportRow[];
  /** Annotations that could not be read as a shape (malformed); counted as skipped shapes. */
  unreadable: number;
  /**
   * Families whose answer is a raster (masks): its width and height, which are the image's. The mask
   * formats write a task only when it is set (a mask with no labeled pixel has no rows but a size).
   */
  raster?: { width: number; height: number };
  /** Keypoint skeletons made of the rows' points (formats with a keypoint form write these instead of the points). */
  keypoints?: KeypointInstance[];
}

/** What `renderResults` may use. */
export interface RenderContext {
  files: FileStore;
  /** The server's public base URL (no trailing slash), for the links put in the stored response. */
  publicBase: string;
  taskId: string;
}
