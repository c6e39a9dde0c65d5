import { useCallback, useEffect, useRef, useState } from 'react';

export type AutosaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

/**
 * Debounced draft saving. `schedule()` is cheap (a timer, no render), so editors may call it on
 * every change; the save runs `delayMs` after the last one. `flush()` saves now if anything is
 * pending. One save runs at a time; a change during a save schedules another.
 */
export function useAutosave(save: () => Promise<void>, delayMs = 2000) {
  const [status, setStatus] = useState<AutosaveStatus>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dirty = useRef(false);
  const running = useRef<Promise<void> | undefined>(undefined);
  const saveRef = useRef(save);
  saveRef.current = save;

  const run = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (running.current) await running.current;
    if (!dirty.current) return;
    dirty.current = false;
    setStatus('saving');
    running.current = saveRef
      .current()
      .then(() => setStatus(dirty.current ? 'pending' : 'saved'))
      .catch(() => {
        dirty.current = true;
        setStatus('error');
      })
      .finally(() => {
        running.current = undefined;
      });
    await running.current;
  }, []);

  const schedule = useCallback(() => {
    dirty.current = true;
    setStatus('pending');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void run(), delayMs);
  }, [delayMs, run]);

  /** Forget pending changes (the task was submitted or skipped). */
  const cancel = useCallback(() => {
    clearTimeout(timer.current);
    dirty.current = false;
  }, []);

  useEffect(() => () => clearTimeout(timer.current), []);

  return { status, schedule, flush: run, cancel };
}
