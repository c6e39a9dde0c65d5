import { useEffect, type RefObject } from 'react';

/** Keeps a canvas editor told of its viewport's size (for fit-to-image and keyboard zoom), as the element resizes. */
export function useViewportSize(editor: { setViewportSize(size: { width: number; height: number }): void }, containerRef: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const measure = () => editor.setViewportSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [editor, containerRef]);
}
