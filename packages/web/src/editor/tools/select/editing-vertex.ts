import { SelectResizing } from './resizing.ts';

/**
 * Dragging one vertex of a polygon or line. It moves exactly like a resize handle; it is its own
 * state so the canvas can show the vertex cursor and tests can tell the two gestures apart.
 */
export class SelectEditingVertex extends SelectResizing {
  override readonly name = 'editing-vertex';
}
