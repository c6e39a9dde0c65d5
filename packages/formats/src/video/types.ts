import type { GeometryKind, ImageAnnotationGeometries } from '../image/types.ts';
import type { CommonTaskParams } from '../shared/params.ts';

/** The video task types Tagwright labels (task-types §4.2, §4.3). */
export const VIDEO_TASK_TYPES = ['videoannotation', 'videoplaybackannotation'] as const;
export type VideoTaskType = (typeof VIDEO_TASK_TYPES)[number];

/** Most annotation frames one task may have (about 9 hours at 30 fps): bounds a submission's work. */
export const MAX_VIDEO_FRAMES = 1_000_000;

/** `videoannotation` and `videoplaybackannotation` create params (§4.2, §4.3). */
export interface VideoAnnotationParams extends CommonTaskParams {
  /** `image`: `attachments` are the frames; `video`: `attachment` is an mp4/webm/ogg file. */
  attachment_type?: 'image' | 'video';
  geometries: ImageAnnotationGeometries;
  /** Annotation frames per second sampled from the video (default 1). */
  frame_rate?: number;
  /** Playback V2: replaces `frame_rate`. */
  annotation_frame_rate?: number;
  /** Playback V2: the video's own rate, for frame `key`s (default: the annotation rate). */
  video_frame_rate?: number;
  /** Seconds into the video where the sampled window starts (default 0). */
  start_time?: number;
  /** Length of the sampled window in seconds (default: to the end). */
  duration_time?: number;
  events_to_annotate?: string[];
  /** Playback: `label` is left out of the tracks only when this is `false`. */
  with_labels?: boolean;
  hypothesis?: { annotations: { url: string } };
  layers?: { url: string };
}

/**
 * One keyframe the labeler set: the frame, the geometry's Scale fields (box `left/top/width/
 * height`, `vertices`, point `x/y`) and the attributes that hold from here. An `outside` keyframe
 * marks the frame the object leaves the picture (its geometry is optional).
 */
export interface VideoKeyframe {
  frame: number;
  outside?: boolean;
  attributes?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One object over time: same `uuid` and `label` on every frame (§4.1). */
export interface VideoTrackKeyframes {
  uuid: string;
  label: string;
  geometry: GeometryKind;
  /** The labeler's name for it in the track list; not written to the annotation file. */
  name?: string;
  keyframes: VideoKeyframe[];
}

/** An `events_to_annotate` mark: `start`/`end` are frame numbers (a `point` has no end). */
export interface VideoEventMark {
  uuid?: string;
  label: string;
  type: 'point' | 'range';
  start: number;
  end?: number;
  attributes?: Record<string, unknown>;
}

/**
 * What the workbench submits and keeps as a draft: keyframes only (§4.4). On submit the server
 * turns it into the annotation file (every frame) and the events file, and stores `VideoResponse`.
 */
export interface VideoSubmission {
  /** Annotation frames in the task (the attachments, or the sampled video's frames). */
  frame_count: number;
  tracks: VideoTrackKeyframes[];
  events?: VideoEventMark[];
  /**
   * `params.links` between tracks (§4.2: "a per-frame links array as §2.2"): `from`/`to` are track
   * uuids; the annotation file lists a link on every frame where both tracks are listed.
   */
  links?: VideoTrackLink[];
  global_attributes?: Record<string, unknown>;
}

/** A link between two tracks, in §2.2's entry shape. */
export interface VideoTrackLink {
  uuid: string;
  label: string;
  from: string;
  to: string;
}

/** The stored response: only the files' URLs (§1.2). */
export interface VideoResponse {
  annotations: { url: string };
  events?: { url: string };
}

/** One annotation in one frame of a `videoannotation` file. */
export interface VideoFrameAnnotation {
  uuid: string;
  type: GeometryKind;
  label: string;
  attributes: Record<string, unknown>;
  [field: string]: unknown;
}

/** One element of a `videoannotation` file: element i is annotation frame i. */
export interface VideoAnnotationFileFrame {
  annotations: VideoFrameAnnotation[];
  /** Only when the task defines `links`: those whose two tracks are both on this frame. */
  links?: VideoTrackLink[];
  global_attributes?: Record<string, unknown>;
}

/** One frame of a playback track: `key` is the video frame number, `timestamp` seconds. */
export interface PlaybackTrackFrame {
  key: number;
  timestamp: number;
  attributes: Record<string, unknown>;
  [field: string]: unknown;
}

/** The `videoplaybackannotation` file: tracks keyed by uuid (§4.3). */
export interface PlaybackAnnotationFile {
  annotations: Record<string, { label?: string; geometry: GeometryKind; frames: PlaybackTrackFrame[] }>;
}

/** The events file: `startTime`/`endTime` in seconds beside the frame numbers (§4.1). */
export interface VideoEventsFile {
  events: Array<{ label: string; type: 'point' | 'range'; start: number; end?: number; startTime: number; endTime?: number; attributes?: Record<string, unknown> }>;
}
