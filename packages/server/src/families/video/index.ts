import { VIDEO_TASK_TYPES, validateVideoParams, validateVideoSubmission } from '@tagwright/formats';
import type { TaskFamily } from '../types.ts';
import { isVideoSubmission, videoAgreement } from './agreement.ts';
import { renderVideoResults } from './render.ts';

/**
 * Video: tracks of boxes, polygons, lines and points over the frames of a video file or a frame
 * sequence, with keyframes and linear interpolation (task-types §4). The workbench submits
 * keyframes (formats/video `VideoSubmission`); on submit and fix the server writes the annotation
 * file (every frame), the events file and the keyframes to the file store, and stores only their
 * URLs as the response. Tracks agree by mean IoU over frames. No `merge`: consensus keeps the
 * medoid attempt whole, since blending keyframes across attempts would invent ones no labeler set.
 */
export const videoFamily: TaskFamily = {
  id: 'video',
  taskTypes: VIDEO_TASK_TYPES,
  labelable: VIDEO_TASK_TYPES,
  validateParams: validateVideoParams,
  validateResponse: validateVideoSubmission,
  // No tracks and no events: renderResults turns it into the completed shape with empty files (§9).
  testResponse: () => ({ frame_count: 0, tracks: [], events: [] }),
  agreement: (_type, _params, a, b) => videoAgreement(a, b),
  async renderResults(context, type, params, response) {
    if (!isVideoSubmission(response)) return response;
    return { ...(await renderVideoResults(context, type, params, response)) };
  },
};
