/**
 * Keyframes and linear interpolation over time (task-types §4.4), with no editor or server types:
 * the workbench's tracks and the server's annotation-file writer both read frames through these.
 */

/** Anything pinned to one frame. `outside` marks the frame the object leaves the picture. */
export interface FrameKeyed {
  frame: number;
  outside?: boolean;
}

/**
 * A track's value at a frame. `interpolated` frames lie between two keyframes; `held` frames lie
 * after the last keyframe, where the editor still shows the object but the response does not
 * list it (the response runs from the first to the last keyframe).
 */
export interface FrameValue<K> {
  value: K;
  kind: 'keyframe' | 'interpolated' | 'held';
}

/** Combines two keyframes at `t` in [0, 1] (0 is `a`). */
export type Interpolator<K> = (a: K, b: K, t: number) => K;

/** Index of the last keyframe at or before `frame`, or -1; keyframes are sorted by frame. */
export function keyframeIndexAtOrBefore(keyframes: readonly FrameKeyed[], frame: number): number {
  let low = 0;
  let high = keyframes.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (keyframes[middle].frame <= frame) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The keyframes around `frame`: the last at or before it and the first after it. */
export function boundedKeyframes<K extends FrameKeyed>(keyframes: readonly K[], frame: number): { left?: K; right?: K } {
  const index = keyframeIndexAtOrBefore(keyframes, frame);
  return { left: index >= 0 ? keyframes[index] : undefined, right: keyframes[index + 1] };
}

/**
 * The track at `frame`: null before its first keyframe and while it is outside. Between two
 * keyframes it is interpolated, also towards an `outside` keyframe (which keeps the shape the
 * object left with), so marking where an object leaves does not stop it moving before then.
 */
export function valueAt<K extends FrameKeyed>(keyframes: readonly K[], frame: number, interpolate: Interpolator<K>): FrameValue<K> | null {
  const index = keyframeIndexAtOrBefore(keyframes, frame);
  if (index < 0) return null;
  const left = keyframes[index];
  if (left.outside) return null;
  if (left.frame === frame) return { value: left, kind: 'keyframe' };
  const right = keyframes[index + 1];
  if (!right) return { value: left, kind: 'held' };
  return { value: interpolate(left, right, (frame - left.frame) / (right.frame - left.frame)), kind: 'interpolated' };
}

/** First and last keyframe frames (the span the response lists), or null for no keyframes. */
export function keyframeSpan(keyframes: readonly FrameKeyed[]): { first: number; last: number } | null {
  return keyframes.length === 0 ? null : { first: keyframes[0].frame, last: keyframes[keyframes.length - 1].frame };
}

export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

/** Interpolates an angle in radians the short way round (350° to 10° passes 0°, not 180°). */
export function lerpAngle(a: number, b: number, t: number): number {
  const turn = 2 * Math.PI;
  let delta = (b - a) % turn;
  if (delta > Math.PI) delta -= turn;
  if (delta < -Math.PI) delta += turn;
  return a + delta * t;
}

/** Fields that interpolate as plain numbers, in any geometry that has them. */
const LINEAR_FIELDS = ['left', 'top', 'width', 'height', 'x', 'y', 'rx', 'ry', 'sideX', 'sideTop', 'sideBottom'] as const;

/**
 * Interpolates a geometry record: the numeric fields above linearly, `rotation` the short way,
 * and `vertices` pairwise when both keyframes have as many (otherwise `a`'s are held, §4.4).
 * Every other field (label, attributes, ids) comes from `a`: attributes step at keyframes.
 */
export function interpolateGeometry<T extends object>(a: T, b: T, t: number): T {
  const from = a as Record<string, unknown>;
  const to = b as Record<string, unknown>;
  const result: Record<string, unknown> = { ...from };
  for (const key of LINEAR_FIELDS) {
    if (typeof from[key] === 'number' && typeof to[key] === 'number') result[key] = lerp(from[key], to[key], t);
  }
  if (typeof from.rotation === 'number' && typeof to.rotation === 'number') result.rotation = lerpAngle(from.rotation, to.rotation, t);
  const fromVertices = from.vertices;
  const toVertices = to.vertices;
  if (Array.isArray(fromVertices) && Array.isArray(toVertices) && fromVertices.length === toVertices.length) {
    result.vertices = fromVertices.map((vertex: { x: number; y: number }, index) => ({
      ...vertex,
      x: lerp(vertex.x, (toVertices[index] as { x: number }).x, t),
      y: lerp(vertex.y, (toVertices[index] as { y: number }).y, t),
    }));
  }
  return result as T;
}
