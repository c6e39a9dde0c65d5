import { checkGeometry, checkLinkedAnswers, checkLinks } from '../image/response.ts';
import { checkLabel, labelNames } from '../shared/labels.ts';
import { invalid, isPlainObject, missing } from '../shared/problem.ts';
import { knownFrameCount } from './timing.ts';
import { MAX_VIDEO_FRAMES, type VideoSubmission } from './types.ts';

const isFrameNumber = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * A video submission or draft (keyframes, §4.4): `frame_count` matching the task, tracks with
 * unique uuids, the task's geometries and labels, keyframes in frame order inside the video with
 * well-formed shapes, and events of the task's `events_to_annotate`. Links (`params.links`) and
 * `linked` attribute answers join two tracks of the submission by uuid, in a direction the task
 * allows, as on an image (§2.2, §1.5; §4.2 puts them per frame). Throws naming the first problem.
 */
export function validateVideoSubmission(type: string, params: Record<string, unknown>, response: Record<string, unknown>): asserts response is VideoSubmission & Record<string, unknown> {
  const frameCount = checkFrameCount(type, params, response.frame_count);
  const tracks = response.tracks;
  if (tracks === undefined) throw missing('response.tracks', 'an array of tracks (empty when there is nothing to label)');
  if (!Array.isArray(tracks)) throw invalid('response.tracks', 'expected an array of tracks');
  const geometries = isPlainObject(params.geometries) ? params.geometries : {};
  const uuids = new Set<string>();
  tracks.forEach((track, index) => {
    const path = `response.tracks[${index}]`;
    if (!isPlainObject(track)) throw invalid(path, 'expected a track object');
    if (typeof track.uuid !== 'string' || track.uuid === '') throw invalid(`${path}.uuid`, 'expected a non-empty string');
    if (uuids.has(track.uuid)) throw invalid(`${path}.uuid`, `"${track.uuid}" is used by two tracks`);
    uuids.add(track.uuid);
    const settings = typeof track.geometry === 'string' ? geometries[track.geometry] : undefined;
    if (!isPlainObject(settings)) throw invalid(`${path}.geometry`, `expected a geometry this task asks for (${Object.keys(geometries).join(', ')})`);
    checkLabel(track, path, labelNames(settings.objects_to_annotate));
    if (track.name !== undefined && typeof track.name !== 'string') throw invalid(`${path}.name`, 'expected a string');
    checkKeyframes(track.keyframes, `${path}.keyframes`, track.geometry as string, settings, frameCount);
  });
  const labels = new Map((tracks as VideoSubmission['tracks']).map((track) => [track.uuid, track.label]));
  (tracks as VideoSubmission['tracks']).forEach((track, index) =>
    track.keyframes.forEach((keyframe, position) => {
      if (keyframe.outside !== true) checkLinkedAnswers({ ...keyframe, uuid: track.uuid, label: track.label }, `response.tracks[${index}].keyframes[${position}]`, params, labels, true, 'track');
    }),
  );
  checkLinks(response.links, params, labels, 'response', 'track');
  checkEvents(response.events, params, frameCount);
  if (response.global_attributes !== undefined && !isPlainObject(response.global_attributes)) throw invalid('response.global_attributes', 'expected an object');
}

function checkFrameCount(type: string, params: Record<string, unknown>, value: unknown): number {
  if (value === undefined) throw missing('response.frame_count', 'the number of annotation frames in the video');
  if (!isFrameNumber(value) || value < 1 || value > MAX_VIDEO_FRAMES) throw invalid('response.frame_count', `expected a whole number from 1 to ${MAX_VIDEO_FRAMES}`);
  const known = knownFrameCount(type, params);
  if (known !== undefined && value !== known) throw invalid('response.frame_count', `the task has ${known} frames, got ${value}`);
  return value;
}

function checkKeyframes(keyframes: unknown, path: string, geometry: string, settings: Record<string, unknown>, frameCount: number): void {
  if (!Array.isArray(keyframes) || keyframes.length === 0) throw invalid(path, 'expected a non-empty array of keyframes');
  let previous = -1;
  keyframes.forEach((keyframe, index) => {
    const at = `${path}[${index}]`;
    if (!isPlainObject(keyframe)) throw invalid(at, 'expected a keyframe object');
    if (!isFrameNumber(keyframe.frame) || keyframe.frame >= frameCount) throw invalid(`${at}.frame`, `expected a frame number from 0 to ${frameCount - 1}`);
    if (keyframe.frame <= previous) throw invalid(`${at}.frame`, `keyframes must be in increasing frame order (${keyframe.frame} follows ${previous})`);
    previous = keyframe.frame;
    if (keyframe.outside !== undefined && typeof keyframe.outside !== 'boolean') throw invalid(`${at}.outside`, 'expected true or false');
    if (keyframe.attributes !== undefined && !isPlainObject(keyframe.attributes)) throw invalid(`${at}.attributes`, 'expected an object');
    if (keyframe.outside === true) {
      if (index === 0) throw invalid(`${at}.outside`, 'a track cannot start outside the picture');
      return;
    }
    checkGeometry(keyframe, at, geometry, settings);
  });
}

function checkEvents(events: unknown, params: Record<string, unknown>, frameCount: number): void {
  if (events === undefined) return;
  if (!Array.isArray(events)) throw invalid('response.events', 'expected an array of events');
  const labels = new Set(Array.isArray(params.events_to_annotate) ? (params.events_to_annotate as unknown[]).filter((label) => typeof label === 'string') : []);
  events.forEach((event, index) => {
    const path = `response.events[${index}]`;
    if (!isPlainObject(event)) throw invalid(path, 'expected an event object');
    if (typeof event.label !== 'string' || !labels.has(event.label)) {
      throw invalid(`${path}.label`, labels.size > 0 ? `expected one of the task's events_to_annotate (${[...labels].join(', ')})` : 'the task has no events_to_annotate');
    }
    if (event.type !== 'point' && event.type !== 'range') throw invalid(`${path}.type`, 'expected "point" or "range"');
    if (!isFrameNumber(event.start) || event.start >= frameCount) throw invalid(`${path}.start`, `expected a frame number from 0 to ${frameCount - 1}`);
    if (event.type === 'range') {
      if (!isFrameNumber(event.end) || event.end < event.start || event.end >= frameCount) {
        throw invalid(`${path}.end`, `expected a frame number from ${event.start} (the start) to ${frameCount - 1}`);
      }
    } else if (event.end !== undefined) {
      throw invalid(`${path}.end`, 'a point event has no end');
    }
    if (event.attributes !== undefined && !isPlainObject(event.attributes)) throw invalid(`${path}.attributes`, 'expected an object');
  });
}
