import { validateImageParams } from '../image/params.ts';
import { FormatError, invalid, isPlainObject, missing } from '../shared/problem.ts';

const RATE_PARAMS = ['frame_rate', 'annotation_frame_rate', 'video_frame_rate'] as const;
const TIME_PARAMS = ['start_time', 'duration_time'] as const;

/**
 * Params of a video task (§4.2, §4.3): frames or a video file, the geometries (as for images),
 * positive rates, a non-negative time window, event labels, and file-shaped `hypothesis`/`layers`.
 */
export function validateVideoParams(type: string, params: Record<string, unknown>): void {
  checkAttachments(type, params);
  // Geometries and their labels follow the image rules exactly; a video's hypothesis and layers
  // are files (§1.3), checked below, not the image's inline annotations.
  validateImageParams('imageannotation', { ...params, hypothesis: undefined, layers: undefined });
  for (const key of RATE_PARAMS) {
    const value = params[key];
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw invalid(key, 'expected a positive number of frames per second');
    }
  }
  for (const key of TIME_PARAMS) {
    const value = params[key];
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw invalid(key, 'expected a number of seconds, 0 or more');
    }
  }
  const events = params.events_to_annotate;
  if (events !== undefined && events !== null) {
    if (!Array.isArray(events)) throw invalid('events_to_annotate', 'expected an array of event labels');
    events.forEach((label, index) => {
      if (typeof label !== 'string' || label.trim() === '') throw invalid(`events_to_annotate[${index}]`, 'expected a non-empty string');
    });
  }
  if (params.with_labels !== undefined && params.with_labels !== null && typeof params.with_labels !== 'boolean') {
    throw invalid('with_labels', 'expected true or false');
  }
  checkFileReference(params.hypothesis, 'hypothesis', true);
  checkFileReference(params.layers, 'layers', false);
}

function checkAttachments(type: string, params: Record<string, unknown>): void {
  const attachmentType = params.attachment_type;
  const frames = params.attachments;
  const hasFrames = Array.isArray(frames) && frames.length > 0;
  if (hasFrames) {
    (frames as unknown[]).forEach((url, index) => {
      if (typeof url !== 'string' || url.trim() === '') throw invalid(`attachments[${index}]`, 'expected a frame image URL');
    });
  }
  const hasVideo = typeof params.attachment === 'string' && params.attachment.trim() !== '';
  if (type === 'videoannotation') {
    if (attachmentType !== undefined && attachmentType !== null && attachmentType !== 'image' && attachmentType !== 'video') {
      throw invalid('attachment_type', 'expected "image" (frames in attachments) or "video" (a video file in attachment)');
    }
    if (attachmentType === 'image') {
      if (!hasFrames) throw missing('attachments', 'the frame image URLs, in order, when attachment_type is "image"');
      if (params.attachment !== undefined && params.attachment !== null) throw invalid('attachment', 'must be absent when attachment_type is "image" (the frames go in attachments)');
      return;
    }
    if (attachmentType === 'video' && !hasVideo) throw missing('attachment', 'the video URL (mp4, webm or ogg) when attachment_type is "video"');
  }
  if (!hasVideo && !hasFrames) throw new FormatError('Please provide an attachment or attachments parameter.');
}

/** `hypothesis` is `{annotations: {url}}`, `layers` of a video is `{url}` (§1.3). */
function checkFileReference(value: unknown, key: string, underAnnotations: boolean): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) throw invalid(key, underAnnotations ? 'expected {"annotations": {"url": "<annotation file URL>"}}' : 'expected {"url": "<layers file URL>"}');
  const holder = underAnnotations ? value.annotations : value;
  const path = underAnnotations ? `${key}.annotations.url` : `${key}.url`;
  if (!isPlainObject(holder) || typeof holder.url !== 'string' || !/^(https?:|tagwright:)/i.test(holder.url)) {
    throw invalid(path, 'expected the URL of a JSON file');
  }
}
