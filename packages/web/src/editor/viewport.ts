import type { Vec } from './geometry.ts';
import { clamp, sub } from './geometry.ts';

/** Screen = page × zoom + pan. Page coordinates are image pixels. Immutable: every change makes a new one. */
export interface Camera {
  x: number;
  y: number;
  zoom: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 40;

export const screenToPage = (camera: Camera, point: Vec): Vec => ({
  x: (point.x - camera.x) / camera.zoom,
  y: (point.y - camera.y) / camera.zoom,
});

export const pageToScreen = (camera: Camera, point: Vec): Vec => ({
  x: point.x * camera.zoom + camera.x,
  y: point.y * camera.zoom + camera.y,
});

/** Zooms by `factor` keeping the page point under `screenPoint` where it is (cursor-anchored zoom). */
export function zoomAt(camera: Camera, screenPoint: Vec, factor: number): Camera {
  const zoom = clamp(camera.zoom * factor, MIN_ZOOM, MAX_ZOOM);
  const anchor = screenToPage(camera, screenPoint);
  return { zoom, x: screenPoint.x - anchor.x * zoom, y: screenPoint.y - anchor.y * zoom };
}

export const panBy = (camera: Camera, delta: Vec): Camera => ({ ...camera, x: camera.x + delta.x, y: camera.y + delta.y });

/** The camera that shows a whole image centred in a viewport, with a small margin. */
export function fitCamera(image: { width: number; height: number }, viewport: { width: number; height: number }): Camera {
  if (image.width <= 0 || image.height <= 0 || viewport.width <= 0 || viewport.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const zoom = clamp(Math.min(viewport.width / image.width, viewport.height / image.height) * 0.95, MIN_ZOOM, MAX_ZOOM);
  return { zoom, x: (viewport.width - image.width * zoom) / 2, y: (viewport.height - image.height * zoom) / 2 };
}

/**
 * A pan gesture (middle button, or Space and drag), shared by the image and mask editors: while it
 * lasts, the camera follows the pointer by the screen distance it moved since the last event.
 */
export class PanGesture {
  private origin: Vec | null = null;

  start(screen: Vec): void {
    this.origin = screen;
  }

  /** The camera after the pointer moved to `screen`; undefined when no pan is in progress. */
  move(camera: Camera, screen: Vec): Camera | undefined {
    if (!this.origin) return undefined;
    const delta = sub(screen, this.origin);
    this.origin = screen;
    return panBy(camera, delta);
  }

  /** Ends the pan; false when none was in progress. */
  end(): boolean {
    const panning = this.origin !== null;
    this.origin = null;
    return panning;
  }
}
