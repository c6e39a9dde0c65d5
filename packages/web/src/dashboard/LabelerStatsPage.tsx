import { useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import { percent, useLoad } from './use-load.ts';

const RANGES = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'All time', days: 0 },
];

/** Per labeler: tasks done, mean time per task, gold accuracy, consensus agreement and review outcomes. */
export function LabelerStatsPage({ dashboard }: { dashboard: DashboardApi }) {
  const projects = useLoad(() => dashboard.projects(), 'projects');
  const [project, setProject] = useState('');
  const [days, setDays] = useState(30);
  const stats = useLoad(() => {
    // Whole minutes, so the key (and the request) stays the same across re-renders.
    const start = days > 0 ? new Date(Math.floor(Date.now() / 60_000) * 60_000 - days * 86_400_000).toISOString() : undefined;
    return dashboard.labelers({ project: project || undefined, start_time: start });
  }, `${project}:${days}`);

  return (
    <section>
      <form className="tw-filters" aria-label="Labeler filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Project
          <select value={project} onChange={(event) => setProject(event.target.value)}>
            <option value="">All projects</option>
            {projects.data?.map((entry) => (
              <option key={entry.id}>{entry.name}</option>
            ))}
          </select>
        </label>
        <label>
          Period
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {RANGES.map((range) => (
              <option key={range.days} value={range.days}>
                {range.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {stats.error && <p role="alert">{stats.error}</p>}
      {stats.data && stats.data.length === 0 && <p>No labelers yet. Invite some on the Team page.</p>}
      {stats.data && stats.data.length > 0 && (
        <table className="tw-table" aria-label="Labelers">
          <thead>
            <tr>
              <th>Teammate</th>
              <th>Tasks labeled</th>
              <th>Mean time / task</th>
              <th>Gold accuracy</th>
              <th>Agreement</th>
              <th>Reviewed: accepted / rejected / fixed</th>
              <th>Customer audits: accepted / rejected / fixed</th>
              <th>Reviews done</th>
            </tr>
          </thead>
          <tbody>
            {stats.data.map((entry) => {
              const outcomes = entry.review_outcomes;
              const judged = (outcomes.accepted ?? 0) + (outcomes.rejected ?? 0) + (outcomes.fixed ?? 0);
              // Older servers send no customer_audits.
              const audits = entry.customer_audits ?? {};
              const audited = (audits.accepted ?? 0) + (audits.rejected ?? 0) + (audits.fixed ?? 0);
              return (
                <tr key={entry.user_id} data-email={entry.email}>
                  <td>
                    {entry.email} <span className="tw-hint">{entry.role}</span>
                  </td>
                  <td>{entry.tasks_labeled}</td>
                  <td>{entry.mean_label_secs !== undefined ? `${entry.mean_label_secs} s` : '–'}</td>
                  <td title={`${entry.gold_answered} gold answers`}>{percent(entry.gold_accuracy)}</td>
                  <td title={entry.agreement_tasks ? `over ${entry.agreement_tasks} consensus tasks` : undefined}>{percent(entry.agreement)}</td>
                  <td>{judged > 0 ? `${outcomes.accepted ?? 0} / ${outcomes.rejected ?? 0} / ${outcomes.fixed ?? 0}` : '–'}</td>
                  <td>{audited > 0 ? `${audits.accepted ?? 0} / ${audits.rejected ?? 0} / ${audits.fixed ?? 0}` : '–'}</td>
                  <td>{entry.reviews_done}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
