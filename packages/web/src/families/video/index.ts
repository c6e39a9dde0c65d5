import { VIDEO_TASK_TYPES } from '@tagwright/formats';
import type { FamilyUI } from '../types.ts';
import { VideoAnnotator } from './VideoAnnotator.tsx';
import { VideoPreview } from './VideoPreview.tsx';

/** Tracks over a video or a frame sequence, with keyframes and interpolation (the editor engine's time axis). */
export const videoFamilyUi: FamilyUI = {
  id: 'video',
  taskTypes: VIDEO_TASK_TYPES,
  Editor: VideoAnnotator,
  Preview: VideoPreview,
};
