import { Readable } from 'node:stream';
import { videoTiming, type VideoResponse, type VideoSubmission } from '@tagwright/formats';
import type { RenderContext } from '../types.ts';
import type { FileStore } from '../../storage/file-store.ts';
import { newResultFolder, resultFileKey, resultFileUrl } from '../../storage/result-files.ts';
import { eventsFile, playbackAnnotationFile, videoAnnotationFile } from './annotation-file.ts';
import { integerPixelsOf } from './frames.ts';

/** Name of the keyframes file written beside the annotation file (the workbench reopens it for review and fixes). */
export const KEYFRAMES_FILE = 'keyframes.json';

/** No result file may be larger than this (a 10-hour, 50-track video stays well under it). */
const MAX_RESULT_BYTES = 4 * 1024 ** 3;

async function putText(files: FileStore, folder: string, name: string, text: Iterable<string>): Promise<void> {
  const key = resultFileKey(folder, name);
  if (!key) throw new Error(`invalid result file name "${name}"`);
  // Readable.from pulls the generator as the store drains it, so the file is never whole in memory.
  await files.put(key, Readable.from(text, { objectMode: false }), { maxBytes: MAX_RESULT_BYTES });
}

/**
 * Writes a submitted video response's files into a new unguessable folder of the file store:
 * the annotation file (every frame, interpolated), the events file when the task asks for events,
 * and the keyframes the labeler set. Returns the response Scale clients see: only the URLs (§1.2).
 */
export async function renderVideoResults(context: RenderContext, type: string, params: Record<string, unknown>, submission: VideoSubmission): Promise<VideoResponse> {
  const folder = newResultFolder();
  const timing = videoTiming(params);
  const integerPixels = integerPixelsOf(params);
  const withLinks = params.links !== undefined;
  const annotations =
    type === 'videoplaybackannotation'
      ? playbackAnnotationFile(submission, { integerPixels, timing, withLinks, withLabels: params.with_labels !== false })
      : videoAnnotationFile(submission, { integerPixels, timing, withLinks });
  await putText(context.files, folder, 'annotations.json', annotations);
  await putText(context.files, folder, KEYFRAMES_FILE, [JSON.stringify(submission)]);
  const response: VideoResponse = { annotations: { url: resultFileUrl(context.publicBase, folder, 'annotations.json') } };
  const wantsEvents = Array.isArray(params.events_to_annotate) && params.events_to_annotate.length > 0;
  if (wantsEvents || (submission.events?.length ?? 0) > 0) {
    await putText(context.files, folder, 'events.json', [eventsFile(submission, timing)]);
    response.events = { url: resultFileUrl(context.publicBase, folder, 'events.json') };
  }
  return response;
}

/**
 * Test mode (§9): the completed shape with empty files — `[]` for videoannotation, `{"annotations": {}}`
 * for playback, and an empty events file when the task asks for events.
 */
export async function renderEmptyVideoResults(context: RenderContext, type: string, params: Record<string, unknown>): Promise<VideoResponse> {
  return renderVideoResults(context, type, params, { frame_count: 0, tracks: [], events: [] });
}
