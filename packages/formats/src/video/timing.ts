/**
 * Where annotation frame i sits in time (a Tagwright decision where Scale is silent, §4.3): frame 0
 * is at `start_time`, frames are `1 / rate` apart, and a playback frame's `key` is its timestamp
 * times the video's own rate, rounded.
 */
export interface VideoTiming {
  /** Annotation frames per second. */
  frameRate: number;
  startTime: number;
  /** The video's frames per second, for `key`. */
  videoFrameRate: number;
}

const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/** The timing a task's params give: playback V2's `annotation_frame_rate` wins over `frame_rate` (default 1). */
export function videoTiming(params: Record<string, unknown>): VideoTiming {
  const frameRate = positive(params.annotation_frame_rate) ?? positive(params.frame_rate) ?? 1;
  const startTime = typeof params.start_time === 'number' && params.start_time >= 0 ? params.start_time : 0;
  return { frameRate, startTime, videoFrameRate: positive(params.video_frame_rate) ?? frameRate };
}

/** Seconds of annotation frame `frame`, to the microsecond (so files read the same on every machine). */
export function timestampOf(timing: VideoTiming, frame: number): number {
  return Math.round((timing.startTime + frame / timing.frameRate) * 1e6) / 1e6;
}

/** A playback frame's `key`: the video frame at its timestamp. */
export function keyOf(timing: VideoTiming, frame: number): number {
  return Math.round(timestampOf(timing, frame) * timing.videoFrameRate);
}

/** What the workbench shows: a sequence of frame images, or one video file. */
export type VideoSource = { kind: 'frames'; urls: string[] } | { kind: 'video'; url: string };

/**
 * A videoannotation task's frames are its `attachments` when `attachment_type` is `image` (or
 * unset with no `attachment`); a playback task plays its `attachment` when it has one (V2 may give
 * `attachments` instead). Undefined when params hold neither.
 */
export function videoSource(type: string, params: Record<string, unknown>): VideoSource | undefined {
  const frames = Array.isArray(params.attachments) ? params.attachments.filter((url): url is string => typeof url === 'string') : [];
  const video = typeof params.attachment === 'string' && params.attachment !== '' ? params.attachment : undefined;
  const wantsFrames = type === 'videoannotation' ? params.attachment_type === 'image' || (params.attachment_type === undefined && !video) : !video;
  if (wantsFrames && frames.length > 0) return { kind: 'frames', urls: frames };
  return video ? { kind: 'video', url: video } : undefined;
}

/**
 * How many annotation frames the task has when its params say: one per attachment for a frame
 * sequence, or the sampled `duration_time`. Undefined for a video of unknown length (the
 * workbench reads the length from the file and submits it).
 */
export function knownFrameCount(type: string, params: Record<string, unknown>): number | undefined {
  const source = videoSource(type, params);
  if (source?.kind === 'frames') return source.urls.length;
  const duration = positive(params.duration_time);
  return duration === undefined ? undefined : Math.max(1, Math.floor(duration * videoTiming(params).frameRate + 1e-9));
}
