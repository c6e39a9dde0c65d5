import { keyOf, timestampOf, type VideoAnnotationFileFrame, type VideoSubmission, type VideoTiming } from '@tagwright/formats';
import { frameAnnotations, trackFrames } from './frames.ts';
import { inPieces } from '../../exporters/types.ts';

/**
 * The result files of a video response, written as text pieces for a stream: nothing holds a
 * whole file, and memory stays flat in the number of frames (only the keyframes are in memory).
 * Each frame (or playback track frame) is one line, so the files are valid JSON that can also be
 * read back line by line.
 */

export interface FileOptions {
  integerPixels: boolean;
  timing: VideoTiming;
  /** The task defines `links`: write them (an empty list when the labeler drew none). */
  withLinks: boolean;
}

/**
 * `videoannotation` (§4.2): a JSON array with one element per annotation frame, element i for
 * frame i, listing every track on that frame with its interpolated geometry. Each frame repeats
 * the task's global attributes when the labeler answered any. When the task defines `links`, each
 * frame has a `links` array (§4.2 U): the links whose two tracks are both listed on that frame.
 */
export function videoAnnotationFile(submission: VideoSubmission, options: FileOptions): Generator<string> {
  const globals = submission.global_attributes && Object.keys(submission.global_attributes).length > 0 ? submission.global_attributes : undefined;
  const links = submission.links ?? [];
  function* lines(): Generator<string> {
    yield '[\n';
    for (let frame = 0; frame < submission.frame_count; frame++) {
      const annotations = frameAnnotations(submission, frame, options.integerPixels);
      const element: VideoAnnotationFileFrame = { annotations };
      if (options.withLinks) {
        const listed = new Set(annotations.map((annotation) => annotation.uuid));
        element.links = links.filter((link) => listed.has(link.from) && listed.has(link.to)).map(({ uuid, label, from, to }) => ({ uuid, label, from, to }));
      }
      if (globals) element.global_attributes = globals;
      yield (frame === 0 ? '' : ',\n') + JSON.stringify(element);
    }
    yield '\n]\n';
  }
  return inPieces(lines());
}

/**
 * `videoplaybackannotation` (§4.3): `{"annotations": {<uuid>: {label, geometry, frames}}}`, each
 * track listed on every frame from its first to its last keyframe, with `key` and `timestamp`.
 * When the task defines `links`, `"links": [{uuid, label, from, to}]` follows `annotations`: the
 * file is keyed by track, so a link between two tracks is listed once (U, docs/workbench.md).
 */
export function playbackAnnotationFile(submission: VideoSubmission, options: FileOptions & { withLabels: boolean }): Generator<string> {
  function* lines(): Generator<string> {
    yield '{"annotations":{';
    for (const [index, track] of submission.tracks.entries()) {
      const head = JSON.stringify(options.withLabels ? { label: track.label, geometry: track.geometry } : { geometry: track.geometry });
      yield `${index === 0 ? '' : ','}\n${JSON.stringify(track.uuid)}:${head.slice(0, -1)},"frames":[`;
      let first = true;
      for (const value of trackFrames(track, options.integerPixels)) {
        const entry = { key: keyOf(options.timing, value.frame), timestamp: timestampOf(options.timing, value.frame), ...value.fields, attributes: value.attributes };
        yield (first ? '\n' : ',\n') + JSON.stringify(entry);
        first = false;
      }
      yield '\n]}';
    }
    yield '\n}';
    if (options.withLinks) yield `,\n"links":${JSON.stringify((submission.links ?? []).map(({ uuid, label, from, to }) => ({ uuid, label, from, to })))}`;
    yield '}\n';
  }
  return inPieces(lines());
}

/** The events file (§4.1): `{"events": [...]}` with times in seconds beside the frame numbers. */
export function eventsFile(submission: VideoSubmission, timing: VideoTiming): string {
  const events = (submission.events ?? []).map((event) => ({
    label: event.label,
    type: event.type,
    start: event.start,
    ...(event.type === 'range' ? { end: event.end } : {}),
    startTime: timestampOf(timing, event.start),
    ...(event.type === 'range' && event.end !== undefined ? { endTime: timestampOf(timing, event.end) } : {}),
    ...(event.attributes && Object.keys(event.attributes).length > 0 ? { attributes: event.attributes } : {}),
  }));
  return JSON.stringify({ events }) + '\n';
}
