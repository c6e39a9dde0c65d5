import type { WorkProgress } from '../api/types.ts';

/** What the person just did, shown on the next screen so a submit never passes unconfirmed. */
export interface LastDone {
  verb: 'Submitted' | 'Skipped' | 'Accepted' | 'Rejected' | 'Fixed' | 'Commented on';
  taskId: string;
}

/** The start of today in the reader's own time zone: "done today" means their day, not UTC's. */
export function startOfToday(now = new Date()): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}

/** "✓ Submitted task …" after an action, and the person's count for today (in all projects and in this one). */
export function WorkProgressNote({ lastDone, progress }: { lastDone: LastDone | null; progress: WorkProgress | null }) {
  if (!lastDone && !progress) return null;
  const noun = progress?.kind === 'review' ? 'reviewed' : 'done';
  return (
    <div className="tw-progress" role="status" aria-label="Your progress">
      {lastDone && (
        <p className="tw-progress-done">
          ✓ {lastDone.verb} task <code>{lastDone.taskId}</code>
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
