import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type AppApi } from '../api/client.ts';
import type { Assignment, EmptyQueue, RecentSubmission, WorkKind, WorkProgress } from '../api/types.ts';
import { RecentSubmissions } from './RecentSubmissions.tsx';
import { TaskView } from './TaskView.tsx';
import { ReviewActions } from './ReviewActions.tsx';
import { useLeaseRenewal } from './use-lease-renewal.ts';
import { WorkProgressNote, startOfToday, type LastDone } from './WorkProgressNote.tsx';

type PageState =
  | { kind: 'loading' }
  | { kind: 'empty'; why?: EmptyQueue }
  | { kind: 'working'; assignment: Assignment }
  | { kind: 'lost'; message: string }
  | { kind: 'error'; message: string };

const REVIEW_VERBS: Record<string, LastDone['verb']> = { accepted: 'Accepted', rejected: 'Rejected', fixed: 'Fixed', commented: 'Commented on' };

/** Seconds since `start`, for `time_spent_secs`. */
const secondsSince = (start: number) => Math.max(0, Math.round((Date.now() - start) / 1000));

/**
 * The labeling (or review) loop: lease the next task, show it, save drafts, renew the lease, and
 * on submit or skip move on to the next one.
 */
export function WorkbenchPage({ api, kind, project, onSignedOut }: { api: AppApi; kind: WorkKind; project?: string; onSignedOut: () => void }) {
  const [state, setState] = useState<PageState>({ kind: 'loading' });
  const [lastDone, setLastDone] = useState<LastDone | null>(null);
  const [progress, setProgress] = useState<WorkProgress | null>(null);
  const [reopenProblem, setReopenProblem] = useState<string | null>(null);
  const [recent, setRecent] = useState<RecentSubmission[]>([]);
  const startedAt = useRef(Date.now());

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.isUnauthenticated) return onSignedOut();
      setState({ kind: 'error', message: (error as Error).message });
    },
    [onSignedOut],
  );

  const loadNext = useCallback(async () => {
    setState({ kind: 'loading' });
    // The count is a courtesy: a failure to read it hides it and never blocks the work.
    api.progress(kind, startOfToday(), project).then(setProgress, () => setProgress(null));
    if (kind === 'label') api.recentSubmissions().then(setRecent, () => setRecent([]));
    try {
      const { assignment, empty } = await api.nextWork(kind, project);
      startedAt.current = Date.now();
      setState(assignment ? { kind: 'working', assignment } : { kind: 'empty', why: empty });
    } catch (error) {
      fail(error);
    }
  }, [api, kind, project, fail]);

  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  const assignment = state.kind === 'working' ? state.assignment : null;
  useLeaseRenewal(api, assignment?.lease ?? null, (message) => setState({ kind: 'lost', message }));

  /** Takes a submission back into the editor, its answer as draft; the server's 409 is shown when it can no longer be. */
  const reopen = async (taskId: string) => {
    setReopenProblem(null);
    try {
      const reopened = await api.reopen(taskId);
      startedAt.current = Date.now();
      setLastDone({ verb: 'Reopened', taskId });
      setRecent((entries) => entries.filter((entry) => entry.task_id !== taskId));
      setState({ kind: 'working', assignment: reopened });
    } catch (error) {
      if (error instanceof ApiError && error.isUnauthenticated) return onSignedOut();
      setReopenProblem((error as Error).message);
    }
  };

  if (state.kind === 'loading') return <p className="tw-page-message">Finding your next task…</p>;
  const labeling = kind === 'label';
  const note = (
    <>
      <WorkProgressNote lastDone={lastDone} progress={progress} onReopen={labeling && lastDone ? () => void reopen(lastDone.taskId) : undefined} reopenProblem={reopenProblem} />
      {labeling && <RecentSubmissions submissions={recent.filter((entry) => entry.task_id !== lastDone?.taskId || lastDone.verb !== 'Submitted')} onReopen={(taskId) => void reopen(taskId)} />}
    </>
  );
  if (state.kind === 'empty') {
    return (
      <div className="tw-page-message" data-empty-reason={state.why?.reason}>
        {note}
        <p>{state.why?.message ?? `No tasks are waiting${project ? ` in ${project}` : ''}.`}</p>
        {state.why && state.why.contacts.length > 0 && (
          <p className="tw-hint">
            Ask:{' '}
            {state.why.contacts.map((email, index) => (
              <span key={email}>
                {index > 0 && ', '}
                <a href={`mailto:${email}`}>{email}</a>
              </span>
            ))}
          </p>
        )}
        <button type="button" onClick={() => void loadNext()}>
          Check again
        </button>
      </div>
    );
  }
  if (state.kind === 'lost' || state.kind === 'error') {
    return (
      <div className="tw-page-message" role="alert">
        <p>{state.kind === 'lost' ? `You no longer hold this task: ${state.message}` : state.message}</p>
        <button type="button" onClick={() => void loadNext()}>
          Get the next task
        </button>
      </div>
    );
  }

  const { lease, task, draft } = state.assignment;
  const guard = async (action: () => Promise<unknown>, done: LastDone['verb']) => {
    try {
      await action();
      setLastDone({ verb: done, taskId: task.task_id });
      setReopenProblem(null);
    } catch (error) {
      if (error instanceof ApiError && error.isLeaseLost) return setState({ kind: 'lost', message: error.message });
      if (error instanceof ApiError && error.isUnauthenticated) return onSignedOut();
      throw error;
    }
    await loadNext();
  };

  const reviewing = kind === 'review';
  return (
    <TaskView
      key={lease.lease_id}
      task={task}
      work={{ api, leaseId: lease.lease_id }}
      initialResponse={draft?.response ?? (reviewing ? state.assignment.response : undefined)}
      initialIsDraft={Boolean(draft)}
      onSaveDraft={async (response) => {
        await api.saveDraft(task.task_id, { lease_id: lease.lease_id, response });
      }}
      onSaveDraftParts={async (parts) => {
        await api.saveDraftParts(task.task_id, { lease_id: lease.lease_id, parts });
      }}
      onSubmit={(response) =>
        guard(() =>
          reviewing
            ? api.review(task.task_id, { lease_id: lease.lease_id, result: 'fixed', response, time_spent_secs: secondsSince(startedAt.current) })
            : api.submit(task.task_id, { lease_id: lease.lease_id, response, time_spent_secs: secondsSince(startedAt.current) }),
          reviewing ? 'Fixed' : 'Submitted',
        )
      }
      onSkip={(reason) => guard(() => api.skip(task.task_id, { lease_id: lease.lease_id, reason }), 'Skipped')}
      status={note}
      submitCaption={reviewing ? 'Save fix' : 'Submit'}
      extraActions={
        reviewing ? (
          <ReviewActions
            comments={state.assignment.review_comments}
            onDecide={(result, comments) =>
              guard(() => api.review(task.task_id, { lease_id: lease.lease_id, result, comments, time_spent_secs: secondsSince(startedAt.current) }), REVIEW_VERBS[result] ?? 'Submitted')
            }
          />
        ) : undefined
      }
    />
  );
}
