import { useCallback, useEffect, useRef, useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { Attempt, FullTask } from '../api/dashboard-types.ts';
import { LazyMarkdown as Markdown } from '../workbench/LazyMarkdown.tsx';
import { AuditPanel, FixEditor } from './AuditPanel.tsx';
import { DeliveryLog } from './DeliveryLog.tsx';
import { ResponsePreview } from './ResponsePreview.tsx';
import { formatTime, percent, useLoad } from './use-load.ts';

/** One task: its response drawn over the attachment, audit actions, the work history and the callback log. */
export function TaskDetailPage({ dashboard, taskId }: { dashboard: DashboardApi; taskId: string }) {
  const detail = useLoad(() => dashboard.task(taskId), taskId);
  const [task, setTask] = useState<FullTask | undefined>(undefined);
  useEffect(() => setTask(detail.data?.task), [detail.data]);
  // A chat task's fix edits its stored threads (the detail's editable_response), not its v1 view.
  const [editable, setEditable] = useState<unknown>(undefined);
  useEffect(() => setEditable(detail.data?.editable_response), [detail.data]);
  const [shown, setShown] = useState<{ label: string; response: unknown } | null>(null);
  const [fixing, setFixing] = useState(false);
  // An audit's time runs from opening the task, or from the previous decision on it.
  const decisionStart = useRef(performance.now());
  const auditSeconds = useCallback(() => Math.round((performance.now() - decisionStart.current) / 100) / 10, []);

  if (detail.error) return <p role="alert">{detail.error}</p>;
  if (!detail.data || !task) return <p className="tw-page-message">Loading task…</p>;
  const { attempts, work, lease } = detail.data;
  const preview = shown ?? { label: 'Current response', response: editable ?? task.response };
  const audited = (next: FullTask, fixedResponse?: unknown) => {
    decisionStart.current = performance.now();
    // The audit answer carries the attachment links (as the detail does); keep the old ones if an older server omits them.
    setTask({ ...next, attachment_url: next.attachment_url ?? task.attachment_url, attachment_urls: next.attachment_urls ?? task.attachment_urls, work_state: next.work_state ?? task.work_state });
    if (editable !== undefined && fixedResponse !== undefined) setEditable(fixedResponse);
    setFixing(false);
    setShown(null);
  };

  return (
    <article className="tw-task-detail" aria-label={`Task ${task.task_id}`}>
      <header className="tw-detail-header">
        <p>
          <a href="#/dashboard/tasks">← Tasks</a>
        </p>
        <h2>{task.unique_id ?? task.task_id}</h2>
        <dl className="tw-facts">
          <dt>Task id</dt>
          <dd>{task.task_id}</dd>
          <dt>Project</dt>
          <dd>
            {task.project}
            {task.batch ? ` / ${task.batch}` : ''}
          </dd>
          <dt>Type</dt>
          <dd>{task.type}</dd>
          <dt>Status</dt>
          <dd>
            <span className={`tw-status tw-status-${task.status}`}>{task.status}</span>
            {task.work_state !== task.status && ` (${task.work_state.replace('_', ' ')})`}
          </dd>
          {task.completed_at && (
            <>
              <dt>Completed</dt>
              <dd>{formatTime(task.completed_at)}</dd>
            </>
          )}
          {work?.agreement !== undefined && (
            <>
              <dt>Agreement</dt>
              <dd>{percent(work.agreement)}</dd>
            </>
          )}
          {lease && (
            <>
              <dt>Held by</dt>
              <dd>
                {lease.email ?? lease.user_id} ({lease.kind}, until {formatTime(lease.expires_at)})
              </dd>
            </>
          )}
        </dl>
      </header>
      <div className="tw-detail-body">
        <section className="tw-card" aria-label="Response">
          <header className="tw-card-header">
            <h3>{fixing ? 'Fix the response' : preview.label}</h3>
            {shown && !fixing && (
              <button type="button" onClick={() => setShown(null)}>
                Show current response
              </button>
            )}
          </header>
          {fixing ? (
            <FixEditor dashboard={dashboard} task={task} initialResponse={editable ?? task.response} onAudited={audited} onCancel={() => setFixing(false)} auditSeconds={auditSeconds} />
          ) : (
            <ResponsePreview task={task} response={preview.response} />
          )}
        </section>
        <aside className="tw-detail-side">
          <AuditPanel dashboard={dashboard} task={task} onAudited={audited} fixing={fixing} onFixToggle={() => setFixing(!fixing)} auditSeconds={auditSeconds} />
          {task.instruction && (
            <details className="tw-card">
              <summary>Instructions</summary>
              <Markdown source={task.instruction} />
            </details>
          )}
          <History attempts={attempts} task={task} onShow={(label, response) => setShown({ label, response })} />
        </aside>
      </div>
      <DeliveryLog dashboard={dashboard} taskId={task.task_id} hasCallback={Boolean(task.callback_url)} />
    </article>
  );
}

/** Labelers' attempts, reviews and customer audits in order; an attempt's response can be shown in the preview. */
function History({ attempts, task, onShow }: { attempts: Attempt[]; task: FullTask; onShow: (label: string, response: unknown) => void }) {
  const audits = task.audits?.filter((audit) => audit.audit_source === 'customer') ?? [];
  return (
    <section className="tw-card" aria-label="History">
      <h3>History</h3>
      {attempts.length === 0 && audits.length === 0 && <p className="tw-hint">No work recorded yet.</p>}
      <ol className="tw-history">
        {attempts.map((attempt) => (
          <li key={attempt.id} data-kind={attempt.kind}>
            <strong>{attempt.kind === 'label' ? 'Labeled' : attempt.kind === 'review' ? `Review: ${attempt.result ?? ''}` : 'Gold answer'}</strong> by{' '}
            {attempt.email ?? attempt.user_id} · round {attempt.round + 1} · {attempt.time_spent_secs} s · {formatTime(attempt.submitted_at)}
            {attempt.score !== undefined && ` · score ${percent(attempt.score)}`}
            {attempt.comments && <blockquote>{attempt.comments}</blockquote>}
            {attempt.response !== undefined && (
              <button type="button" onClick={() => onShow(`Response of ${attempt.email ?? 'a labeler'} (round ${attempt.round + 1})`, attempt.response)}>
                Show
              </button>
            )}
          </li>
        ))}
        {audits.map((audit, index) => (
          <li key={`audit-${index}`} data-kind="audit">
            <strong>Audit: {audit.audit_result}</strong> by {audit.audited_by} · {formatTime(audit.audited_at)}
            {audit.comments && <blockquote>{audit.comments}</blockquote>}
          </li>
        ))}
      </ol>
      {task.prior_responses && task.prior_responses.length > 0 && (
        <p>
          Earlier responses:{' '}
          {task.prior_responses.map((response, index) => (
            <button key={index} type="button" onClick={() => onShow(`Earlier response ${index + 1}`, response)}>
              {index + 1}
            </button>
          ))}
        </p>
      )}
    </section>
  );
}
