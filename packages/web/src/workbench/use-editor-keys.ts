import { useEffect, useRef } from 'react';
import type { KeyInput } from '../editor/events.ts';

/**
 * Elements whose keystrokes belong to them, not to the editor's shortcuts. Sliders, colour pickers,
 * radios, checkboxes and buttons do not take letters, so shortcuts still work after using one.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || !element.tagName) return false;
  if (element.isContentEditable || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  return element.tagName === 'INPUT' && !['radio', 'checkbox', 'button', 'range', 'color'].includes((element as HTMLInputElement).type);
}

/** What a canvas editor does with keys: `keyDown` answers whether it used the key. */
export interface KeyTarget {
  keyDown(input: KeyInput): boolean;
  keyUp(input: KeyInput): void;
}

/**
 * Forwards the window's keys to a canvas editor, except while the person types in a field or when
 * `intercept` (read at each key, so it may close over state) takes the key first. A key the editor
 * uses does not reach the page. Losing window focus releases Space, which would otherwise stay held.
 */
export function useEditorKeys(target: KeyTarget, intercept?: (event: KeyboardEvent) => boolean): void {
  const latest = useRef({ target, intercept });
  latest.current = { target, intercept };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target) || event.defaultPrevented) return;
      if (latest.current.intercept?.(event)) return;
      const input = { key: event.key, shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey };
      if (latest.current.target.keyDown(input)) event.preventDefault();
    };
    const onKeyUp = (event: KeyboardEvent) => latest.current.target.keyUp({ key: event.key });
    const onBlur = () => latest.current.target.keyUp({ key: ' ' });
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, []);
}
