import { utilOf } from '../shapes/index.ts';
import type { AttributeValue, GeometryType, Shape } from '../types.ts';
import { keyframeIndexAtOrBefore, valueAt, type FrameValue } from '@tagwright/formats';

/**
 * One keyframe of a track: the shape the labeler set at `frame` (its attributes hold until the
 * next keyframe). An `outside` keyframe marks where the object leaves the picture; its shape is
 * the last one seen, so the object comes back where it left when the labeler brings it back.
 */
export interface TrackKeyframe {
  frame: number;
  outside: boolean;
  shape: Shape;
}

/** One object over time: a stable id (the response's `uuid`), one label, keyframes sorted by frame. */
export interface Track {
  kind: 'track';
  id: string;
  index: number;
  label: string;
  geometry: GeometryType;
  /** What the labeler calls it in the track list (not part of the response). */
  name: string;
  keyframes: readonly TrackKeyframe[];
}

/** An `events_to_annotate` mark on the timeline: one frame (`point`) or `start`..`end` (`range`). */
export interface VideoEvent {
  kind: 'event';
  id: string;
  index: number;
  label: string;
  type: 'point' | 'range';
  start: number;
  end?: number;
  attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * A link of the task's `params.links` between two tracks (task-types §4.2, §4.5): it holds on every
 * frame where both tracks are listed. Its fields are the image editor's link record's, so the frame
 * editor shows and edits the current frame's links unchanged.
 */
export interface TrackLink {
  kind: 'link';
  id: string;
  index: number;
  label: string;
  from: string;
  to: string;
}

/** What the video editor's store holds. */
export type VideoRecord = Track | VideoEvent | TrackLink;

/**
 * The track with every `linked` attribute answer (keys `linkedKeys`) passed through `target`:
 * undefined drops the answer (its track is gone), a new id re-points it (tracks merged). The same
 * track object when nothing changed.
 */
export function withLinkedAnswers(track: Track, linkedKeys: readonly string[], target: (id: string) => string | undefined): Track {
  let changed = false;
  const keyframes = track.keyframes.map((keyframe) => {
    const attributes = keyframe.shape.attributes;
    let next: Record<string, AttributeValue> | undefined;
    for (const key of linkedKeys) {
      const value = attributes[key];
      if (typeof value !== 'string') continue;
      const mapped = target(value);
      if (mapped === value) continue;
      next ??= { ...attributes };
      if (mapped === undefined || mapped === track.id) delete next[key];
      else next[key] = mapped;
    }
    if (!next) return keyframe;
    changed = true;
    return { ...keyframe, shape: { ...keyframe.shape, attributes: next } };
  });
  return changed ? { ...track, keyframes } : track;
}

const interpolateKeyframe = (a: TrackKeyframe, b: TrackKeyframe, t: number): TrackKeyframe => ({
  frame: a.frame + (b.frame - a.frame) * t,
  outside: false,
  shape: utilOf(a.shape).interpolate(a.shape, b.shape, t),
});

/** The track's shape at `frame` (null when absent), and whether it is a keyframe, interpolated or held past the end. */
export function trackShapeAt(track: Track, frame: number): FrameValue<Shape> | null {
  const found = valueAt(track.keyframes, frame, interpolateKeyframe);
  return found && { value: found.value.shape, kind: found.kind };
}

/** Whether the track is on `frame`, and how, without interpolating its shape (cheap enough to ask every frame). */
export function trackPresenceAt(track: Track, frame: number): FrameValue<unknown>['kind'] | 'absent' {
  return valueAt(track.keyframes, frame, (left) => left)?.kind ?? 'absent';
}

/** The keyframe exactly at `frame`, if there is one. */
export function keyframeAt(track: Track, frame: number): TrackKeyframe | undefined {
  const index = keyframeIndexAtOrBefore(track.keyframes, frame);
  return index >= 0 && track.keyframes[index].frame === frame ? track.keyframes[index] : undefined;
}

/** The shape a keyframe should store: the track's id, label and drawing order. */
function ownedShape(track: Pick<Track, 'id' | 'label' | 'index'>, shape: Shape): Shape {
  return shape.id === track.id && shape.label === track.label && shape.index === track.index ? shape : { ...shape, id: track.id, label: track.label, index: track.index };
}

/** The track with `keyframe` set (replacing one at the same frame). */
export function withKeyframe(track: Track, keyframe: TrackKeyframe): Track {
  const index = keyframeIndexAtOrBefore(track.keyframes, keyframe.frame);
  const keyframes = track.keyframes.slice();
  const stored = { ...keyframe, shape: ownedShape(track, keyframe.shape) };
  if (index >= 0 && keyframes[index].frame === keyframe.frame) keyframes[index] = stored;
  else keyframes.splice(index + 1, 0, stored);
  return { ...track, keyframes };
}

/** The track with its shape at `frame` pinned as a keyframe (what moving or resizing does). */
export function withShapeAt(track: Track, frame: number, shape: Shape): Track {
  return withKeyframe(track, { frame, outside: false, shape });
}

/** The track without its keyframe at `frame`; null when that was its only keyframe (the track is gone). */
export function withoutKeyframe(track: Track, frame: number): Track | null {
  const keyframes = track.keyframes.filter((keyframe) => keyframe.frame !== frame);
  if (keyframes.length === track.keyframes.length) return track;
  return keyframes.some((keyframe) => !keyframe.outside) ? { ...track, keyframes } : null;
}

/**
 * Marks the object as leaving the picture at `frame` (it stays absent until a later keyframe), or
 * brings it back there with the shape it left with.
 */
export function withOutside(track: Track, frame: number, outside: boolean): Track {
  if (outside) {
    const present = trackShapeAt(track, frame);
    const last = track.keyframes[Math.max(0, keyframeIndexAtOrBefore(track.keyframes, frame))];
    return withKeyframe(track, { frame, outside: true, shape: present?.value ?? last.shape });
  }
  const existing = keyframeAt(track, frame);
  if (existing?.outside) return withKeyframe(track, { ...existing, outside: false });
  const index = keyframeIndexAtOrBefore(track.keyframes, frame);
  if (index >= 0 && track.keyframes[index].outside) return withKeyframe(track, { frame, outside: false, shape: track.keyframes[index].shape });
  return track;
}

/** A new label on every keyframe (a track keeps one label on all frames, §4.1). */
export function relabelled(track: Track, label: string, attributes?: (shape: Shape) => Shape['attributes']): Track {
  return {
    ...track,
    label,
    keyframes: track.keyframes.map((keyframe) => ({
      ...keyframe,
      shape: { ...keyframe.shape, label, attributes: attributes ? attributes(keyframe.shape) : keyframe.shape.attributes },
    })),
  };
}

/**
 * Cuts a track at `frame`: the first part ends at `frame - 1` (pinned there so it keeps its
 * interpolated position), the second, with a new id, starts at `frame`. Null when `frame` is not
 * strictly inside the track (there would be nothing on one side).
 */
export function splitTrack(track: Track, frame: number, newId: string, newIndex: number): [Track, Track] | null {
  const before = trackShapeAt(track, frame - 1);
  const at = trackShapeAt(track, frame);
  if (!before || !at || track.keyframes[0].frame >= frame) return null;
  let first: Track = { ...track, keyframes: track.keyframes.filter((keyframe) => keyframe.frame < frame) };
  if (!keyframeAt(first, frame - 1)) first = withShapeAt(first, frame - 1, before.value);
  const rest = track.keyframes.filter((keyframe) => keyframe.frame > frame);
  let second: Track = { ...track, id: newId, index: newIndex, name: track.name ? `${track.name} (2)` : '', keyframes: [] };
  second = withShapeAt(second, frame, at.value);
  for (const keyframe of rest) second = withKeyframe(second, keyframe);
  return [first, second];
}

/**
 * Joins `other` into `track` (the same object seen twice): `track` keeps its id and label and
 * gains `other`'s keyframes, which win where both have one. Between the two the object is
 * interpolated. Null when the geometries differ.
 */
export function mergeTracks(track: Track, other: Track): Track | null {
  if (track.geometry !== other.geometry) return null;
  let merged = track;
  for (const keyframe of other.keyframes) {
    merged = withKeyframe(merged, { ...keyframe, shape: { ...keyframe.shape, label: track.label } });
  }
  return merged;
}

/** The keyframe frames after (direction 1) or before (-1) `frame`, nearest first; undefined at the end. */
export function adjacentKeyframe(track: Track, frame: number, direction: 1 | -1): number | undefined {
  const index = keyframeIndexAtOrBefore(track.keyframes, frame);
  if (direction === 1) return track.keyframes[index + 1]?.frame;
  const candidate = track.keyframes[index]?.frame === frame ? track.keyframes[index - 1] : track.keyframes[index];
  return candidate?.frame;
}
