import type { RecentSubmission } from '../api/types.ts';

/**
 * The labeler's recent submissions (within the server's reopen window), each with Reopen while
 * nobody has acted on it, else the server's reason, so a mistake noticed two tasks later, or
 * after a reload, can still be corrected.
 */
export function RecentSubmissions({ submissions, onReopen }: { submissions: readonly RecentSubmission[]; onReopen: (taskId: string) => void }) {
  if (submissions.length === 0) return null;
  return (
    <section className="tw-recent" aria-label="Recently submitted">
      <h3>Recently submitted</h3>
      <ul>
        {submissions.map((entry) => (
          <li key={entry.task_id} data-task-id={entry.task_id}>
            <code>{entry.task_id}</code> <span className="tw-hint">{new Date(entry.submitted_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</span>{' '}
            {entry.reopenable ? (
              <button type="button" className="tw-link-button" onClick={() => onReopen(entry.task_id)} aria-label={`Reopen task ${entry.task_id}`}>
                Reopen
              </button>
            ) : (
              <span className="tw-hint" title={entry.reason}>
                {entry.closed_because ? CLOSED_WORDS[entry.closed_because] : 'closed'}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A short word for why it is closed (the server's whole sentence is the tooltip). */
const CLOSED_WORDS: Record<NonNullable<RecentSubmission['closed_because']>, string> = {
  delivered: 'delivered',
  ended: 'closed',
  reviewed: 'reviewed',
  too_late: 'too late',
  in_review: 'in review',
  in_use: 'in use',
  consensus_decided: 'in review',
};
