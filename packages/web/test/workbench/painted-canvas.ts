import { vi } from 'vitest';
import { act } from '@testing-library/react';
import type { Shape } from '../../src/editor/types.ts';
import type { ShapesCanvasElement } from '../../src/families/image/ShapesCanvas.tsx';
import { recordingContext, type Drawn } from '../editor/recording-context.ts';

/**
 * The image editor paints its shapes on one 2D canvas, which jsdom lacks, in a viewport jsdom never
 * lays out. This gives every workbench canvas a size (`size`, CSS px) and its shapes canvas a
 * recording 2D context, so a component test sees what was painted. Call in beforeEach; vitest's
 * restoreAllMocks (or the returned restore) undoes it.
 */
export function paintableCanvas(size = { width: 800, height: 600 }): () => void {
  const contexts = new WeakMap<HTMLCanvasElement, ReturnType<typeof recordingContext>>();
  const getContext = vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    if (!contexts.has(this)) contexts.set(this, recordingContext(this));
    return contexts.get(this)!.context as never;
  });
  const isCanvas = (element: Element) => (element as HTMLElement).dataset?.testid === 'canvas';
  const width = vi.spyOn(Element.prototype, 'clientWidth', 'get').mockImplementation(function (this: Element) {
    return isCanvas(this) ? size.width : 0;
  });
  const height = vi.spyOn(Element.prototype, 'clientHeight', 'get').mockImplementation(function (this: Element) {
    return isCanvas(this) ? size.height : 0;
  });
  recordings = contexts;
  return () => [getContext, width, height].forEach((spy) => spy.mockRestore());
}

let recordings: WeakMap<HTMLCanvasElement, ReturnType<typeof recordingContext>> | null = null;

/** The still layer (every shape but those a gesture is changing) or the moving layer above it. */
export type ShapesLayer = 'still' | 'moving';

function shapesCanvasIn(scope: ParentNode, layer: ShapesLayer = 'still'): ShapesCanvasElement {
  const canvas = scope.querySelector<ShapesCanvasElement>(layer === 'still' ? '[data-testid=shapes-canvas]' : '[data-testid=moving-shapes-canvas]');
  if (!canvas) throw new Error('no shapes canvas in this part of the page');
  return canvas;
}

/** Lets the shapes canvas paint what changed (it repaints on the next animation frame). */
export async function nextPaint(): Promise<void> {
  await act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
}

/** The shapes shown after the latest paint (both layers; the moving layer's alone with `layer`), in paint order. */
export function paintedShapes(scope: ParentNode, layer: ShapesLayer = 'still'): readonly Shape[] {
  return shapesCanvasIn(scope, layer).paintedShapes ?? [];
}

/** What a shapes layer in `scope` drew in its last paint (device pixels), and how many paints it made. */
export function paintRecord(scope: ParentNode, layer: ShapesLayer = 'still'): { drawn: Drawn[]; paints: number } {
  const recording = recordings?.get(shapesCanvasIn(scope, layer));
  if (!recording) throw new Error('call paintableCanvas() before rendering');
  return { drawn: recording.drawn, paints: recording.counts.paints };
}
