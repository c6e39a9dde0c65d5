import { valueAt, interpolateGeometry, type VideoFrameAnnotation, type VideoKeyframe, type VideoSubmission, type VideoTrackKeyframes } from '@tagwright/formats';

/** Keys of a keyframe that are not geometry. */
const NOT_GEOMETRY = new Set(['frame', 'outside', 'attributes']);

/** Coordinates as the workbench writes them: hundredths of a pixel (whole pixels with `integer_pixels`). */
function roundCoordinates(fields: Record<string, unknown>, integerPixels: boolean): Record<string, unknown> {
  const round = integerPixels ? Math.round : (value: number) => Math.round(value * 100) / 100;
  const rounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'rotation') rounded[key] = value;
    else if (typeof value === 'number') rounded[key] = round(value);
    else if (key === 'vertices' && Array.isArray(value)) {
      rounded[key] = value.map((vertex: Record<string, unknown>) => ({ ...vertex, x: round(vertex.x as number), y: round(vertex.y as number) }));
    } else rounded[key] = value;
  }
  return rounded;
}

/** A track's shape on one frame: its geometry fields (rounded) and the attributes holding there. */
export interface TrackFrame {
  frame: number;
  fields: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

const interpolate = (a: VideoKeyframe, b: VideoKeyframe, t: number): VideoKeyframe => interpolateGeometry(a, b, t);

/**
 * The track on `frame`, or null where the response does not list it: before its first keyframe,
 * while outside, and after its last keyframe (§4.4).
 */
export function trackFrameAt(track: VideoTrackKeyframes, frame: number, integerPixels = false): TrackFrame | null {
  const found = valueAt(track.keyframes, frame, interpolate);
  if (!found || found.kind === 'held') return null;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(found.value)) if (!NOT_GEOMETRY.has(key)) fields[key] = value;
  return { frame, fields: roundCoordinates(fields, integerPixels && track.geometry === 'box'), attributes: found.value.attributes ?? {} };
}

/** Every frame a track is listed on, in order; computed one at a time (memory does not grow with the frames). */
export function* trackFrames(track: VideoTrackKeyframes, integerPixels = false): Generator<TrackFrame> {
  const first = track.keyframes[0]?.frame ?? 0;
  const last = track.keyframes[track.keyframes.length - 1]?.frame ?? -1;
  for (let frame = first; frame <= last; frame++) {
    const value = trackFrameAt(track, frame, integerPixels);
    if (value) yield value;
  }
}

/** One annotation frame of a `videoannotation` file: every track listed there, in track order. */
export function frameAnnotations(submission: VideoSubmission, frame: number, integerPixels = false): VideoFrameAnnotation[] {
  const annotations: VideoFrameAnnotation[] = [];
  for (const track of submission.tracks) {
    const value = trackFrameAt(track, frame, integerPixels);
    if (value) annotations.push({ uuid: track.uuid, type: track.geometry, label: track.label, ...value.fields, attributes: value.attributes });
  }
  return annotations;
}

/** Whether the task saves box coordinates (only boxes) as whole pixels (`geometries.box.integer_pixels`). */
export function integerPixelsOf(params: Record<string, unknown>): boolean {
  const geometries = params.geometries as Record<string, Record<string, unknown> | undefined> | undefined;
  return geometries?.box?.integer_pixels === true;
}
