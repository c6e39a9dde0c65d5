import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again (after a change the page made). */
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and on `reload()`, keeping the latest answer. An answer that
 * arrives after a newer load started is dropped, so fast filter changes never show stale rows.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(load);
  latest.current = load;

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    latest.current().then(
      (value) => {
        if (!current) return;
        setData(value);
        setLoading(false);
      },
      (caught: Error) => {
        if (!current) return;
        setError(caught.message);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}

/** "3 min ago" style text for an ISO time, with the exact time left to a tooltip. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

/** A share as a whole percentage ("87 %"), or an en dash when there is nothing to divide. */
export function percent(part: number | undefined, whole = 1): string {
  if (part === undefined || !Number.isFinite(part) || whole === 0) return '–';
  return `${Math.round((part / whole) * 100)} %`;
}
