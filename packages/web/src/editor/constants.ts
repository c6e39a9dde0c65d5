/** Pointer slop, in screen pixels: how close counts as "on" a shape or handle. */
export const HIT_TOLERANCE_PX = 6;
/** How far a press must move, in screen pixels, before it becomes a drag. */
export const DRAG_THRESHOLD_PX = 3;
/** Zoom factor of one +/- key press. */
export const ZOOM_STEP = 1.25;
