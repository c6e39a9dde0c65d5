import type { WorkProgress } from '../api/types.ts';

/** What the person just did, shown on the next screen so a submit never passes unconfirmed. */
export interface LastDone {
  verb: 'Submitted' | 'Reopened' | 'Skipped' | 'Accepted' | 'Rejected' | 'Fixed' | 'Commented on';
  taskId: string;
}

/** The start of today in the reader's own time zone: "done today" means their day, not UTC's. */
export function startOfToday(now = new Date()): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}

/**
 * "✓ Submitted task …" after an action, and the person's count for today (in all projects and in
 * this one). After a submission, `onReopen` offers to take it back and correct it (the server says
 * whether it still can: `reopenProblem` shows its answer when not).
 */
export function WorkProgressNote({
  lastDone,
  progress,
  onReopen,
  reopenProblem,
}: {
  lastDone: LastDone | null;
  progress: WorkProgress | null;
  onReopen?: () => void;
  reopenProblem?: string | null;
}) {
  if (!lastDone && !progress) return null;
  const noun = progress?.kind === 'review' ? 'reviewed' : 'done';
  return (
    <div className="tw-progress tw-work-progress" role="status" aria-label="Your progress">
      {lastDone && (
        <p className="tw-progress-done">
          ✓ {lastDone.verb} task <code>{lastDone.taskId}</code>
          {lastDone.verb === 'Submitted' && onReopen && (
            <button type="button" className="tw-link-button" onClick={onReopen} title="Take your answer back and correct it, while nobody has reviewed it yet">
              Reopen
            </button>
          )}
        </p>
      )}
      {reopenProblem && (
        <p className="tw-progress-problem" role="alert">
          {reopenProblem}
        </p>
      )}
      {progress && (
        <p className="tw-hint">
          Today: <strong>{progress.done}</strong> {noun}
          {progress.project && (
            <>
              {' '}
              · <strong>{progress.project.done}</strong> in {progress.project.name}
            </>
          )}
        </p>
      )}
    </div>
  );
}
