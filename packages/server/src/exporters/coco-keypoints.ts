import type { KeypointInstance } from '../families/types.ts';
import type { ImageObject } from './geometry.ts';

/** An object's `bbox`, `area` and `segmentation` as COCO holds them; a rotated box also gets CVAT's `attributes.rotation`. */
export function cocoShape(object: ImageObject): Record<string, unknown> {
  if (object.rotated) {
    const { left, top, width, height, rotation, corners } = object.rotated;
    return {
      bbox: [left, top, width, height],
      area: object.area,
      segmentation: [corners.flatMap((corner) => [round(corner.x), round(corner.y)])],
      attributes: { rotation: round((rotation * 180) / Math.PI) },
    };
  }
  return { bbox: [object.x, object.y, object.width, object.height], area: object.area, segmentation: object.rle ?? (object.polygon ? [object.polygon] : []) };
}

/** A category's keypoint names and skeleton (1-based, as COCO numbers keypoints). */
interface CategorySkeleton {
  keypoints: string[];
  skeleton: Array<[number, number]>;
}

/**
 * The keypoint names and skeleton of each category, fixed by the first task that gives the category
 * keypoints: every annotation of a category must list the same keypoints in the same order, so a later
 * task's points are placed by name into that list (a name it lacks is left out).
 */
export class KeypointCategories {
  private readonly byName = new Map<string, CategorySkeleton>();

  get(category: string, instance: KeypointInstance): CategorySkeleton {
    let known = this.byName.get(category);
    if (!known) {
      known = { keypoints: instance.names, skeleton: instance.skeleton.map(([a, b]) => [a + 1, b + 1]) };
      this.byName.set(category, known);
    }
    return known;
  }

  /** `keypoints` and `skeleton` of the category, when it has keypoints. */
  fields(category: string): Partial<CategorySkeleton> {
    return this.byName.get(category) ?? {};
  }
}

/** COCO's `keypoints` ([x, y, v] per name; v 2 = labelled and visible, 0 = not labelled) and `num_keypoints`. */
export function keypointFields(instance: KeypointInstance, category: CategorySkeleton): { keypoints: number[]; num_keypoints: number } {
  const keypoints: number[] = [];
  let count = 0;
  for (const name of category.keypoints) {
    const index = instance.names.indexOf(name);
    const point = index >= 0 ? instance.points[index] : undefined;
    if (point) count += 1;
    keypoints.push(...(point ? [round(point.x), round(point.y), 2] : [0, 0, 0]));
  }
  return { keypoints, num_keypoints: count };
}

/** The box around an instance's points, [x, y, width, height]. */
export function pointsFrame(instance: KeypointInstance): [number, number, number, number] {
  const points = instance.points.filter((point) => point !== undefined);
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}

const round = (value: number) => Math.round(value * 100) / 100;
