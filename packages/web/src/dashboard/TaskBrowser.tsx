import { useState, type FormEvent } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { TaskBrowserQuery, TaskStatus, TaskSummary, WorkState } from '../api/dashboard-types.ts';
import { formatTime, useLoad } from './use-load.ts';

const STATUSES: TaskStatus[] = ['pending', 'completed', 'error', 'canceled'];
/** Stages a manager filters by, and the internal work states each covers. */
const STAGES: Array<{ label: string; states: WorkState[] }> = [
  { label: 'waiting for a labeler', states: ['queued'] },
  { label: 'being labeled', states: ['in_progress'] },
  { label: 'in review', states: ['review', 'reviewing'] },
];
const PAGE = 50;

/** The filters in the hash query (`#/dashboard/tasks?project=…&status=…`), so a filtered view can be linked. */
export function filtersFromQuery(query: URLSearchParams): TaskBrowserQuery {
  const filters: TaskBrowserQuery = {};
  for (const key of ['project', 'batch', 'q'] as const) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  const status = query.get('status');
  if (status && (STATUSES as string[]).includes(status)) filters.status = status as TaskStatus;
  const stage = query.get('work_state');
  if (stage) filters.work_state = stage.split(',') as WorkState[];
  return filters;
}

function hashFor(filters: TaskBrowserQuery): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) query.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = query.toString();
  return `#/dashboard/tasks${text ? `?${text}` : ''}`;
}

/** Tasks newest first with filters, a page at a time ("Load more" follows the keyset token). */
export function TaskBrowser({ dashboard, filters }: { dashboard: DashboardApi; filters: TaskBrowserQuery }) {
  const projects = useLoad(() => dashboard.projects(), 'projects');
  const [draft, setDraft] = useState<TaskBrowserQuery>(filters);
  const [more, setMore] = useState<TaskSummary[]>([]);
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const first = useLoad(() => dashboard.tasks({ ...filters, limit: PAGE }), JSON.stringify(filters));
  const rows = [...(first.data?.tasks ?? []), ...more];
  const nextToken = token === undefined ? first.data?.next_token : token;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    window.location.hash = hashFor(draft);
  };
  const loadMore = async () => {
    if (!nextToken) return;
    setLoadingMore(true);
    try {
      const page = await dashboard.tasks({ ...filters, limit: PAGE, next_token: nextToken });
      setMore((current) => [...current, ...page.tasks]);
      setToken(page.next_token);
    } finally {
      setLoadingMore(false);
    }
  };
  const stage = draft.work_state?.join(',') ?? '';

  return (
    <section>
      <form className="tw-filters" onSubmit={apply} aria-label="Task filters">
        <label>
          Project
          <select value={draft.project ?? ''} onChange={(event) => setDraft({ ...draft, project: event.target.value || undefined, batch: undefined })}>
            <option value="">All</option>
            {projects.data?.map((project) => (
              <option key={project.id}>{project.name}</option>
            ))}
          </select>
        </label>
        <label>
          Batch
          <input type="text" value={draft.batch ?? ''} onChange={(event) => setDraft({ ...draft, batch: event.target.value || undefined })} />
        </label>
        <label>
          Status
          <select value={draft.status ?? ''} onChange={(event) => setDraft({ ...draft, status: (event.target.value || undefined) as TaskStatus | undefined })}>
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          Stage
          <select
            value={stage}
            onChange={(event) => setDraft({ ...draft, work_state: event.target.value ? (event.target.value.split(',') as WorkState[]) : undefined })}
          >
            <option value="">Any</option>
            {STAGES.map((option) => (
              <option key={option.label} value={option.states.join(',')}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Task id or unique_id
          <input type="search" value={draft.q ?? ''} onChange={(event) => setDraft({ ...draft, q: event.target.value || undefined })} />
        </label>
        <button type="submit" className="tw-primary">
          Filter
        </button>
      </form>
      {first.error && <p role="alert">{first.error}</p>}
      {first.data && rows.length === 0 && <p>No tasks match.</p>}
      {rows.length > 0 && (
        <table className="tw-table" aria-label="Tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>Project / batch</th>
              <th>Type</th>
              <th>Status</th>
              <th>Stage</th>
              <th>Review</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((task) => (
              <tr key={task.task_id} data-task-id={task.task_id}>
                <td>
                  <a href={`#/dashboard/tasks/${encodeURIComponent(task.task_id)}`}>{task.unique_id ?? task.task_id}</a>
                </td>
                <td>
                  {task.project}
                  {task.batch ? ` / ${task.batch}` : ''}
                </td>
                <td>{task.type}</td>
                <td>
                  <span className={`tw-status tw-status-${task.status}`}>{task.status}</span>
                </td>
                <td>{task.work_state.replace('_', ' ')}</td>
                <td>{task.customer_review_status ?? ''}</td>
                <td>{formatTime(task.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextToken && (
        <p className="tw-pager">
          <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
            Load more
          </button>
        </p>
      )}
    </section>
  );
}
