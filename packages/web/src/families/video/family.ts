import { VIDEO_TASK_TYPES } from '@tagwright/formats';
import type { FamilyInfo } from '../types.ts';

/** Tracks over a video or a frame sequence, with keyframes and interpolation. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const videoFamily: FamilyInfo = { id: 'video', taskTypes: VIDEO_TASK_TYPES };
