import { useCallback, useRef, useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { AuditResult, FullTask } from '../api/dashboard-types.ts';
import { editorForTaskType } from '../workbench/TaskView.tsx';
import type { ResponseSource } from '../workbench/task-editor.ts';

/**
 * Customer audit of a completed task: accept, reject or comment, or fix the response in the
 * workbench's own editor for the task type. Every decision is an audit entry and a callback.
 */
export function AuditPanel({
  dashboard,
  task,
  onAudited,
  fixing,
  onFixToggle,
  auditSeconds,
}: {
  dashboard: DashboardApi;
  task: FullTask;
  onAudited: (task: FullTask) => void;
  /** Seconds spent on this decision so far (sent as `time_spent_secs`). */
  auditSeconds: () => number;
  /** Whether the fix editor is open (the page shows it where the response preview was). */
  fixing: boolean;
  onFixToggle: () => void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async (result: AuditResult) => {
    if (result === 'commented' && comment.trim() === '') {
      setError('Write the comment first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const audited = await dashboard.audit(task.task_id, { result, comments: comment.trim() || undefined, time_spent_secs: auditSeconds() });
      setComment('');
      onAudited(audited);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (task.status !== 'completed') {
    return <p className="tw-hint">Audits are possible once the task is completed (it is {task.status}).</p>;
  }
  return (
    <section className="tw-card" aria-label="Audit">
      <h3>Audit</h3>
      {task.customer_review_status && (
        <p>
          Current review status: <strong>{task.customer_review_status}</strong>
        </p>
      )}
      <div className="tw-audit-actions">
        <input type="text" aria-label="Audit comment" placeholder="Comment (optional for accept and reject)" value={comment} onChange={(event) => setComment(event.target.value)} />
        <button type="button" className="tw-primary" disabled={busy} onClick={() => void send('accepted')}>
          Accept
        </button>
        <button type="button" disabled={busy} onClick={() => void send('rejected')}>
          Reject
        </button>
        <button type="button" disabled={busy} onClick={() => void send('commented')}>
          Comment
        </button>
        {editorForTaskType(task.type) && (
          <button type="button" disabled={busy} aria-pressed={fixing} onClick={onFixToggle}>
            Fix response
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * The task type's workbench editor, started from the current response; saving sends a `fixed`
 * audit (the server keeps the old response in `prior_responses`) with the optional comment.
 */
export function FixEditor({
  dashboard,
  task,
  initialResponse = task.response,
  onAudited,
  onCancel,
  auditSeconds,
}: {
  dashboard: DashboardApi;
  task: FullTask;
  /** The response the editor starts from, when the task keeps it apart from `task.response` (chat threads). */
  initialResponse?: unknown;
  onAudited: (task: FullTask, fixedResponse: unknown) => void;
  onCancel: () => void;
  auditSeconds: () => number;
}) {
  const Editor = editorForTaskType(task.type)!;
  const source = useRef<ResponseSource | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const onReady = useCallback((ready: ResponseSource) => {
    source.current = ready;
  }, []);
  const onChange = useCallback(() => {}, []);
  const save = async () => {
    if (!source.current) return;
    const found = source.current.validate();
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      const response = source.current.getResponse();
      onAudited(await dashboard.audit(task.task_id, { result: 'fixed', response, comments: comment.trim() || undefined, time_spent_secs: auditSeconds() }), response);
    } catch (caught) {
      setProblems([(caught as Error).message]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="tw-fix" data-testid="fix-editor">
      <div className="tw-fix-editor">
        <Editor task={task} initialResponse={initialResponse} onReady={onReady} onChange={onChange} />
      </div>
      {problems.length > 0 && (
        <ul role="alert" className="tw-problems">
          {problems.map((problem, index) => (
            <li key={index}>{problem}</li>
          ))}
        </ul>
      )}
      <p className="tw-actions">
        <input type="text" aria-label="Fix comment" placeholder="What was wrong (optional)" value={comment} onChange={(event) => setComment(event.target.value)} />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="tw-primary" disabled={busy} onClick={() => void save()}>
          Save fix
        </button>
      </p>
    </div>
  );
}
