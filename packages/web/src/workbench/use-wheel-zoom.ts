import { useEffect, type RefObject } from 'react';
import type { PointerInput, WheelInput } from '../editor/events.ts';

/** A pointer or mouse event as a canvas editor's input: the position relative to the canvas element. */
export function pointerInputOf(element: HTMLElement, event: { clientX: number; clientY: number; button: number; shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }): PointerInput {
  const rect = element.getBoundingClientRect();
  return {
    screen: { x: event.clientX - rect.left, y: event.clientY - rect.top },
    button: event.button,
    shiftKey: event.shiftKey,
    altKey: event.altKey,
    ctrlKey: event.ctrlKey,
    metaKey: event.metaKey,
  };
}

/**
 * Wheel zoom on a canvas editor's element. It needs a non-passive listener to stop the page from
 * scrolling. Trackpads send several wheel events per frame, and each zoom step repaints the canvas
 * (with 1,000 boxes that is most of a frame), so the events of one frame are summed into one step.
 */
export function useWheelZoom(editor: { wheel(input: WheelInput): void }, containerRef: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    let pending: WheelInput | undefined;
    let frame = 0;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      pending = { screen, deltaY: (pending?.deltaY ?? 0) + event.deltaY };
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (pending) editor.wheel(pending);
        pending = undefined;
      });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      element.removeEventListener('wheel', onWheel);
      cancelAnimationFrame(frame);
    };
  }, [editor, containerRef]);
}
