import type { EditorConfig } from '../config.ts';
import { prunedAttributeValues } from '../attributes.ts';
import { utilFor, utilOf } from '../shapes/index.ts';
import { GEOMETRY_TYPES, type AttributeValue, type GeometryType, type Shape } from '../types.ts';
import { newId } from '../ids.ts';
import { readAttributes } from '../serialise.ts';
import { loadLinks, type ScaleLink } from '../links.ts';
import type { Track, TrackKeyframe, TrackLink, VideoEvent } from './track.ts';

/** One keyframe as the workbench saves it: the frame, the geometry's Scale fields and attributes. */
export interface DraftKeyframe {
  frame: number;
  outside?: boolean;
  attributes?: Record<string, AttributeValue>;
  [field: string]: unknown;
}

export interface DraftTrack {
  uuid: string;
  label: string;
  geometry: GeometryType;
  name?: string;
  keyframes: DraftKeyframe[];
}

export interface DraftEvent {
  uuid: string;
  label: string;
  type: 'point' | 'range';
  start: number;
  end?: number;
  attributes?: Record<string, AttributeValue>;
}

/**
 * What the video workbench saves as a draft and submits: keyframes only (task-types §4.4). The
 * server expands it into the annotation file (every frame) and the events file on submit.
 */
export interface VideoDraft {
  frame_count: number;
  tracks: DraftTrack[];
  events: DraftEvent[];
  /** Links between tracks (`params.links`): `from`/`to` are track uuids. */
  links: ScaleLink[];
  global_attributes: Record<string, AttributeValue>;
}

/** Writes tracks and events as a draft; per-annotation attributes that no longer apply are dropped. */
export function serialiseVideoDraft(
  tracks: readonly Track[],
  events: readonly VideoEvent[],
  links: readonly TrackLink[],
  frameCount: number,
  config: EditorConfig,
  globalAttributes: Readonly<Record<string, AttributeValue>>,
): VideoDraft {
  const perAnnotation = config.attributes.filter((definition) => !definition.global);
  const globals = config.attributes.filter((definition) => definition.global);
  return {
    frame_count: frameCount,
    tracks: tracks.map((track) => ({
      uuid: track.id,
      label: track.label,
      geometry: track.geometry,
      ...(track.name ? { name: track.name } : {}),
      keyframes: track.keyframes.map((keyframe) => ({
        frame: keyframe.frame,
        ...(keyframe.outside ? { outside: true } : {}),
        ...utilOf(keyframe.shape).toScaleFields(keyframe.shape, { integerPixels: config.integerPixels }),
        attributes: prunedAttributeValues(perAnnotation, track.label, keyframe.shape.attributes),
      })),
    })),
    events: events.map((event) => ({
      uuid: event.id,
      label: event.label,
      type: event.type,
      start: event.start,
      ...(event.type === 'range' && event.end !== undefined ? { end: event.end } : {}),
      ...(Object.keys(event.attributes).length > 0 ? { attributes: { ...event.attributes } } : {}),
    })),
    links: links.map((link) => ({ uuid: link.id, label: link.label, from: link.from, to: link.to })),
    global_attributes: prunedAttributeValues(globals, '', globalAttributes),
  };
}

export interface LoadedVideo {
  tracks: Track[];
  events: VideoEvent[];
  links: TrackLink[];
  frameCount: number | undefined;
  globalAttributes: Record<string, AttributeValue>;
  skipped: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFrame = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Reads a saved draft (or a submitted keyframe response) back into tracks and events. */
export function loadVideoDraft(draft: unknown, firstIndex = 0): LoadedVideo {
  const result: LoadedVideo = { tracks: [], events: [], links: [], frameCount: undefined, globalAttributes: {}, skipped: 0 };
  if (!isObject(draft)) return result;
  if (isFrame(draft.frame_count) && draft.frame_count > 0) result.frameCount = draft.frame_count;
  const seen = new Set<string>();
  let index = firstIndex;
  for (const raw of Array.isArray(draft.tracks) ? draft.tracks : []) {
    const track = isObject(raw) ? readTrack(raw, index, seen) : null;
    if (track) {
      result.tracks.push(track);
      seen.add(track.id);
      index++;
    } else {
      result.skipped++;
    }
  }
  for (const raw of Array.isArray(draft.events) ? draft.events : []) {
    if (!isObject(raw) || typeof raw.label !== 'string' || !isFrame(raw.start) || (raw.type !== 'point' && raw.type !== 'range')) {
      result.skipped++;
      continue;
    }
    const end = raw.type === 'range' && isFrame(raw.end) && raw.end >= raw.start ? raw.end : raw.type === 'range' ? raw.start : undefined;
    result.events.push({
      kind: 'event',
      id: typeof raw.uuid === 'string' && raw.uuid ? raw.uuid : newId(),
      index: index++,
      label: raw.label,
      type: raw.type,
      start: raw.start,
      ...(end !== undefined ? { end } : {}),
      attributes: readAttributes(raw.attributes),
    });
  }
  // Links between tracks that were read; one to a track left out is left out too.
  const ids = new Set(result.tracks.map((track) => track.id));
  for (const link of loadLinks(draft.links, ids)) result.links.push({ kind: 'link', ...link, index: index++ });
  result.globalAttributes = readAttributes(draft.global_attributes);
  return result;
}

function readTrack(raw: Record<string, unknown>, index: number, seen: Set<string>): Track | null {
  const geometry = raw.geometry as GeometryType;
  if (!GEOMETRY_TYPES.includes(geometry) || !Array.isArray(raw.keyframes)) return null;
  let id = typeof raw.uuid === 'string' && raw.uuid ? raw.uuid : newId();
  if (seen.has(id)) id = newId();
  const label = typeof raw.label === 'string' ? raw.label : '';
  const sorted = (raw.keyframes.filter((entry) => isObject(entry) && isFrame(entry.frame)) as DraftKeyframe[]).sort((a, b) => a.frame - b.frame);
  const keyframes: TrackKeyframe[] = [];
  let previous: Shape | undefined;
  for (const entry of sorted) {
    if (keyframes.length > 0 && keyframes[keyframes.length - 1].frame === entry.frame) continue;
    const base = { id, label, index, attributes: readAttributes(entry.attributes) };
    const shape = (utilFor(geometry).fromScaleFields(entry, base as never) as Shape | null) ?? (entry.outside ? previous : null);
    if (!shape) continue;
    keyframes.push({ frame: entry.frame, outside: entry.outside === true, shape });
    previous = shape;
  }
  if (!keyframes.some((keyframe) => !keyframe.outside)) return null;
  return { kind: 'track', id, index, label, geometry, name: typeof raw.name === 'string' ? raw.name : '', keyframes };
}
