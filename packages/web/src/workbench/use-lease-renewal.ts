import { useEffect, useRef } from 'react';
import type { AppApi } from '../api/client.ts';
import { ApiError } from '../api/client.ts';
import type { Lease } from '../api/types.ts';

/**
 * Renews a lease well before it expires: at a third of its remaining time, at least every 10 s.
 * Calls `onLost` when the server says the lease is gone, so the page can stop the labeler from
 * working on a task someone else may now hold.
 */
export function useLeaseRenewal(api: AppApi, lease: Lease | null, onLost: (message: string) => void): void {
  const onLostRef = useRef(onLost);
  onLostRef.current = onLost;

  useEffect(() => {
    if (!lease) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let expiresAt = Date.parse(lease.expires_at);

    const plan = () => {
      const remaining = Number.isFinite(expiresAt) ? expiresAt - Date.now() : 60_000;
      timer = setTimeout(renew, Math.max(10_000, remaining / 3));
    };
    const renew = async () => {
      try {
        const { lease: renewed } = await api.renewLease(lease.lease_id);
        expiresAt = Date.parse(renewed.expires_at);
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.isLeaseLost) {
          onLostRef.current(error.message);
          return;
        }
        // A network blip: try again on the next tick rather than give up the task.
      }
      if (!cancelled) plan();
    };
    plan();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, lease]);
}
