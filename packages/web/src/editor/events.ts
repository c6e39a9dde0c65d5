import type { Vec } from './geometry.ts';

/** A pointer event as the canvas reports it: the position relative to the canvas, in screen pixels. */
export interface PointerInput {
  screen: Vec;
  /** 0 primary, 1 middle, 2 secondary. */
  button?: number;
  shiftKey?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/** What a tool state receives: the same event with its position in image pixels added. */
export interface ToolPointerEvent extends PointerInput {
  point: Vec;
}

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Repeats of a held key; panning with space ignores them. */
  repeat?: boolean;
}

export interface WheelInput {
  screen: Vec;
  deltaY: number;
}
