import { useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import { formatTime, useLoad } from './use-load.ts';

/** A task's callback delivery attempts, newest first, with a button to send the latest callback again. */
export function DeliveryLog({ dashboard, taskId, hasCallback }: { dashboard: DashboardApi; taskId: string; hasCallback: boolean }) {
  const log = useLoad(() => dashboard.deliveries(taskId), taskId);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const redeliver = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const queued = await dashboard.redeliver(taskId);
      setMessage(`Queued a new delivery of the ${queued.event} callback to ${queued.target}.`);
      // The worker usually sends it within a moment; show the attempt when it is logged.
      setTimeout(log.reload, 1500);
    } catch (caught) {
      setMessage((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="tw-card" aria-label="Callback deliveries">
      <header className="tw-card-header">
        <h3>Callback deliveries</h3>
        <button type="button" onClick={log.reload}>
          Refresh
        </button>
        {hasCallback && (
          <button type="button" disabled={busy} onClick={() => void redeliver()}>
            Redeliver
          </button>
        )}
      </header>
      {message && <p role="status">{message}</p>}
      {log.error && <p role="alert">{log.error}</p>}
      {log.data && log.data.attempts.length === 0 && <p className="tw-hint">{hasCallback ? 'No delivery attempts yet.' : 'This task has no callback target.'}</p>}
      {log.data && log.data.attempts.length > 0 && (
        <table className="tw-table" aria-label="Delivery attempts">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>Attempt</th>
              <th>Result</th>
              <th>Time</th>
              <th>Target</th>
            </tr>
          </thead>
          <tbody>
            {log.data.attempts.map((attempt) => (
              <tr key={attempt.id} data-succeeded={attempt.succeeded}>
                <td>{formatTime(attempt.attempted_at)}</td>
                <td>{attempt.event}</td>
                <td>{attempt.attempt}</td>
                <td className={attempt.succeeded ? 'tw-ok' : 'tw-error'} title={attempt.response_body}>
                  {attempt.status_code !== undefined ? `HTTP ${attempt.status_code}` : (attempt.error ?? '')}
                </td>
                <td>{attempt.duration_ms} ms</td>
                <td className="tw-ellipsis">{attempt.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
