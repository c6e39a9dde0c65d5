import { interpolateGeometry, type VideoTiming } from '@tagwright/formats';
import type { DraftKeyframe, DraftTrack, VideoDraft } from './video-draft.ts';

/**
 * Reads an annotation file (a `hypothesis`, or a response rendered elsewhere) into keyframes: every
 * frame listed is a keyframe (§4.4), a gap becomes an `outside` keyframe, and keyframes that linear
 * interpolation reproduces are dropped again, so a file Tagwright rendered comes back close to the
 * keyframes it was made from. Accepts the videoannotation array and the playback forms (§4.3:
 * `{annotations: {uuid: track}}`, a bare uuid map, or an array of `{annotations: {...}}`). Links
 * come from each frame's `links` (each once) or the playback file's top-level `links`.
 */
export function draftFromAnnotationFile(file: unknown, frameCount: number | undefined, timing: VideoTiming): VideoDraft {
  const listed = new Map<string, { label: string; geometry: string; frames: DraftKeyframe[] }>();
  const add = (uuid: string, label: string, geometry: string, keyframe: DraftKeyframe) => {
    let track = listed.get(uuid);
    if (!track) listed.set(uuid, (track = { label, geometry, frames: [] }));
    track.frames.push(keyframe);
  };
  let lastFrame = -1;
  const links = new Map<string, unknown>();
  const addLinks = (raw: unknown) => {
    if (!Array.isArray(raw)) return;
    for (const link of raw) if (isObject(link)) links.set(typeof link.uuid === 'string' ? link.uuid : `${String(link.label)} ${String(link.from)} ${String(link.to)}`, link);
  };
  if (isObject(file)) addLinks(file.links);
  if (Array.isArray(file) && file.every((entry) => isObject(entry) && Array.isArray(entry.annotations))) {
    file.forEach((entry, frame) => {
      addLinks((entry as { links?: unknown }).links);
      for (const annotation of (entry as { annotations: unknown[] }).annotations) {
        if (!isObject(annotation) || typeof annotation.uuid !== 'string') continue;
        const { uuid, type, label, ...fields } = annotation;
        add(uuid, typeof label === 'string' ? label : '', typeof type === 'string' ? type : 'box', { ...fields, frame } as DraftKeyframe);
      }
      lastFrame = frame;
    });
  } else {
    for (const [uuid, track] of Object.entries(playbackTracks(file))) {
      if (!isObject(track) || !Array.isArray(track.frames)) continue;
      for (const entry of track.frames) {
        if (!isObject(entry)) continue;
        const { key, timestamp, x, y, ...rest } = entry;
        const frame = typeof timestamp === 'number' ? Math.round((timestamp - timing.startTime) * timing.frameRate) : Math.round(Number(key) * (timing.frameRate / timing.videoFrameRate));
        if (!(frame >= 0)) continue;
        // FiftyOne's playback boxes use x/y for left/top (§4.3).
        const fields = track.geometry === 'box' && typeof x === 'number' && rest.left === undefined ? { left: x, top: y } : typeof x === 'number' ? { x, y } : {};
        add(uuid, typeof track.label === 'string' ? track.label : '', typeof track.geometry === 'string' ? track.geometry : 'box', { ...rest, ...fields, frame } as DraftKeyframe);
        lastFrame = Math.max(lastFrame, frame);
      }
    }
  }
  const tracks: DraftTrack[] = [];
  for (const [uuid, track] of listed) {
    track.frames.sort((a, b) => a.frame - b.frame);
    tracks.push({ uuid, label: track.label, geometry: track.geometry as DraftTrack['geometry'], keyframes: simplified(withGaps(track.frames)) });
  }
  return { frame_count: frameCount ?? lastFrame + 1, tracks, events: [], links: [...links.values()] as VideoDraft['links'], global_attributes: {} };
}

function playbackTracks(file: unknown): Record<string, unknown> {
  if (Array.isArray(file)) return Object.assign({}, ...file.map((entry) => (isObject(entry) && isObject(entry.annotations) ? entry.annotations : {})));
  if (isObject(file) && isObject(file.annotations)) return file.annotations;
  return isObject(file) ? file : {};
}

/** Puts an `outside` keyframe at the first frame of each gap between listed frames. */
function withGaps(frames: DraftKeyframe[]): DraftKeyframe[] {
  const result: DraftKeyframe[] = [];
  for (const keyframe of frames) {
    const previous = result[result.length - 1];
    if (previous && keyframe.frame > previous.frame + 1) result.push({ frame: previous.frame + 1, outside: true });
    result.push(keyframe);
  }
  return result;
}

const TOLERANCE = 0.02;

function sameAttributes(a: DraftKeyframe, b: DraftKeyframe): boolean {
  return JSON.stringify(a.attributes ?? {}) === JSON.stringify(b.attributes ?? {});
}

function reproduces(expected: DraftKeyframe, actual: DraftKeyframe): boolean {
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'frame' || key === 'attributes') continue;
    const other = actual[key];
    if (typeof value === 'number') {
      if (typeof other !== 'number' || Math.abs(value - other) > TOLERANCE) return false;
    } else if (key === 'vertices' && Array.isArray(value)) {
      if (!Array.isArray(other) || other.length !== value.length) return false;
      for (let index = 0; index < value.length; index++) {
        if (Math.abs(value[index].x - other[index].x) > TOLERANCE || Math.abs(value[index].y - other[index].y) > TOLERANCE) return false;
      }
    } else if (JSON.stringify(value) !== JSON.stringify(other)) return false;
  }
  return true;
}

/** Drops keyframes that interpolating between their kept neighbours gives back (attributes equal). */
function simplified(frames: DraftKeyframe[]): DraftKeyframe[] {
  if (frames.length <= 2) return frames;
  const kept: DraftKeyframe[] = [frames[0]];
  let anchor = 0;
  for (let index = 1; index < frames.length - 1; index++) {
    const end = frames[index + 1];
    const start = frames[anchor];
    let droppable = !start.outside && !frames[index].outside && !end.outside && sameAttributes(start, frames[index]);
    for (let middle = anchor + 1; droppable && middle <= index; middle++) {
      const t = (frames[middle].frame - start.frame) / (end.frame - start.frame);
      droppable = reproduces(frames[middle], interpolateGeometry(start, end, t));
    }
    if (!droppable) {
      kept.push(frames[index]);
      anchor = index;
    }
  }
  kept.push(frames[frames.length - 1]);
  return kept;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
