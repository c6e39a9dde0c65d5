import type { FamilyUI } from '../types.ts';
import { videoFamily } from './family.ts';
import { VideoAnnotator } from './VideoAnnotator.tsx';
import { VideoPreview } from './VideoPreview.tsx';

/** Tracks over a video or a frame sequence, with keyframes and interpolation (the editor engine's time axis). */
export const videoFamilyUi: FamilyUI = {
  ...videoFamily,
  Editor: VideoAnnotator,
  Preview: VideoPreview,
};
