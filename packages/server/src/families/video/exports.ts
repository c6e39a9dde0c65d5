import { timestampOf, videoTiming, type VideoSubmission } from '@tagwright/formats';
import { frameAnnotations, integerPixelsOf, trackFrames } from './frames.ts';

/**
 * MOT Challenge ground truth (`gt/gt.txt`) for the box tracks of one video: one line per box per
 * frame, `frame,id,left,top,width,height,1,-1,-1,-1`, frames 1-based and ids 1.. in track order.
 * Lines come frame by frame, as MOT tools expect, one frame at a time.
 */
export function* motLines(submission: VideoSubmission): Generator<string> {
  const boxes = submission.tracks.filter((track) => track.geometry === 'box');
  const ids = new Map(boxes.map((track, index) => [track.uuid, index + 1]));
  const only = { ...submission, tracks: boxes };
  for (let frame = 0; frame < submission.frame_count; frame++) {
    let text = '';
    for (const annotation of frameAnnotations(only, frame)) {
      text += `${frame + 1},${ids.get(annotation.uuid as string)},${annotation.left},${annotation.top},${annotation.width},${annotation.height},1,-1,-1,-1\n`;
    }
    if (text !== '') yield text;
  }
}

/** The MOT sequence description (`seqinfo.ini`). */
export function motSequenceInfo(name: string, submission: VideoSubmission, params: Record<string, unknown>): string {
  const rate = videoTiming(params).frameRate;
  return `[Sequence]\nname=${name}\nframeRate=${rate}\nseqLength=${submission.frame_count}\n`;
}

/** How many box tracks and tracks of other geometries (which MOT cannot hold) a video has. */
export function motCounts(submission: VideoSubmission): { boxes: number; others: number } {
  const boxes = submission.tracks.filter((track) => track.geometry === 'box').length;
  return { boxes, others: submission.tracks.length - boxes };
}

/**
 * Per-frame JSON: one JSON line per annotation frame of a task that lists anything,
 * `{"task_id", "frame", "timestamp", "annotations"}` with the interpolated shapes.
 */
export function* frameJsonLines(taskId: string, submission: VideoSubmission, params: Record<string, unknown>): Generator<string> {
  const timing = videoTiming(params);
  const integerPixels = integerPixelsOf(params);
  for (let frame = 0; frame < submission.frame_count; frame++) {
    const annotations = frameAnnotations(submission, frame, integerPixels);
    if (annotations.length > 0) yield JSON.stringify({ task_id: taskId, frame, timestamp: timestampOf(timing, frame), annotations }) + '\n';
  }
}

