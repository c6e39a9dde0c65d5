import { isPlainObject } from '../../domain/lenient.ts';
import type { VideoSubmission, VideoTrackKeyframes } from '@tagwright/formats';
import { shapeSimilarity } from '../shared/geometry.ts';
import { geometryOf } from '../shared/shapes.ts';
import { trackFrameAt } from './frames.ts';

/** Tracks whose mean IoU over frames is below this are different objects. */
const TRACK_MATCH_THRESHOLD = 0.5;
/** Most frames compared per pair of tracks: longer spans are sampled evenly (a 10-minute video has 18,000). */
const SAMPLED_FRAMES = 300;

/**
 * Mean similarity (IoU for boxes and polygons) of two tracks over the frames either lists; a
 * frame only one of them lists counts as 0, so a track that starts late or ends early agrees less.
 */
export function trackSimilarity(a: VideoTrackKeyframes, b: VideoTrackKeyframes): number {
  if (a.geometry !== b.geometry || a.label !== b.label) return 0;
  const first = Math.min(a.keyframes[0].frame, b.keyframes[0].frame);
  const last = Math.max(a.keyframes[a.keyframes.length - 1].frame, b.keyframes[b.keyframes.length - 1].frame);
  const step = Math.max(1, Math.ceil((last - first + 1) / SAMPLED_FRAMES));
  let total = 0;
  let counted = 0;
  for (let frame = first; frame <= last; frame += step) {
    const valueA = trackFrameAt(a, frame);
    const valueB = trackFrameAt(b, frame);
    if (!valueA && !valueB) continue;
    counted++;
    if (!valueA || !valueB) continue;
    const geometryA = geometryOf(undefined, { type: a.geometry, ...valueA.fields });
    const geometryB = geometryOf(undefined, { type: b.geometry, ...valueB.fields });
    if (geometryA && geometryB) total += shapeSimilarity(geometryA, geometryB);
  }
  return counted === 0 ? 0 : total / counted;
}

const tracksOf = (response: unknown): VideoTrackKeyframes[] =>
  isPlainObject(response) && Array.isArray(response.tracks) ? (response.tracks as VideoTrackKeyframes[]).filter((track) => isPlainObject(track) && Array.isArray(track.keyframes) && track.keyframes.length > 0) : [];

/**
 * Agreement of two video submissions, 0..1: tracks are paired one to one, most similar first
 * (mean IoU over frames, same label), and the matched similarity is shared over all tracks of
 * both (an unmatched track on either side lowers it). Two empty submissions agree fully.
 */
export function videoAgreement(a: unknown, b: unknown): number {
  const tracksA = tracksOf(a);
  const tracksB = tracksOf(b);
  if (tracksA.length + tracksB.length === 0) return 1;
  const pairs: Array<[number, number, number]> = [];
  tracksA.forEach((trackA, i) =>
    tracksB.forEach((trackB, j) => {
      const similarity = trackSimilarity(trackA, trackB);
      if (similarity >= TRACK_MATCH_THRESHOLD) pairs.push([i, j, similarity]);
    }),
  );
  pairs.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let matched = 0;
  for (const [i, j, similarity] of pairs) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    matched += similarity;
  }
  return (2 * matched) / (tracksA.length + tracksB.length);
}

/** Whether a response is a keyframe submission (what consensus compares) rather than the rendered URLs. */
export function isVideoSubmission(response: unknown): response is VideoSubmission {
  return isPlainObject(response) && Array.isArray(response.tracks);
}
