import { useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { ThroughputBucket } from '../api/dashboard-types.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ThroughputChart } from './ThroughputChart.tsx';
import { formatTime, useLoad } from './use-load.ts';

/** Projects with their progress (each expands to its batches) and the throughput chart. */
export function OverviewPage({ dashboard }: { dashboard: DashboardApi }) {
  const projects = useLoad(() => dashboard.projects(), 'projects');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="tw-overview">
      <Throughput dashboard={dashboard} projects={projects.data?.map((project) => project.name) ?? []} />
      <h2>Projects</h2>
      {projects.error && <p role="alert">{projects.error}</p>}
      {projects.data && projects.data.length === 0 && <p>No projects yet. Create one with the API (POST /v1/projects) or the CLI.</p>}
      {projects.data && projects.data.length > 0 && (
        <table className="tw-table" aria-label="Projects">
          <thead>
            <tr>
              <th>Project</th>
              <th>Type</th>
              <th>Progress</th>
              <th>Pending</th>
              <th>Tasks</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projects.data.map((project) => (
              <ProjectRow
                key={project.id}
                dashboard={dashboard}
                project={project}
                open={open === project.name}
                onToggle={() => setOpen(open === project.name ? null : project.name)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ProjectRow({
  dashboard,
  project,
  open,
  onToggle,
}: {
  dashboard: DashboardApi;
  project: Awaited<ReturnType<DashboardApi['projects']>>[number];
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <>
      <tr data-project={project.name}>
        <td>
          <strong>{project.name}</strong>
          {project.pipeline === 'consensus_task' && <span className="tw-tag">consensus ×{project.consensus_attempts ?? 2}</span>}
        </td>
        <td>{project.type}</td>
        <td className="tw-progress-cell">
          <ProgressBar counts={project.counts} />
        </td>
        <td>{project.counts.pending}</td>
        <td>
          <a href={`#/dashboard/tasks?project=${encodeURIComponent(project.name)}`}>Browse</a>
        </td>
        <td>
          <button type="button" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide batches' : 'Batches'}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="tw-subrow">
          <td colSpan={6}>
            <BatchList dashboard={dashboard} project={project.name} />
          </td>
        </tr>
      )}
    </>
  );
}

const BATCH_PAGE = 25;

/** A project's batches, newest first, a page at a time. */
function BatchList({ dashboard, project }: { dashboard: DashboardApi; project: string }) {
  const [offset, setOffset] = useState(0);
  const page = useLoad(() => dashboard.batches({ project, limit: BATCH_PAGE, offset }), `${project}:${offset}`);
  if (page.error) return <p role="alert">{page.error}</p>;
  if (!page.data) return <p className="tw-hint">Loading batches…</p>;
  if (page.data.total === 0) return <p className="tw-hint">No batches in {project}.</p>;
  return (
    <div>
      <table className="tw-table" aria-label={`Batches of ${project}`}>
        <thead>
          <tr>
            <th>Batch</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {page.data.batches.map((batch) => (
            <tr key={batch.id} data-batch={batch.name}>
              <td>
                <a href={`#/dashboard/tasks?project=${encodeURIComponent(project)}&batch=${encodeURIComponent(batch.name)}`}>{batch.name}</a>
              </td>
              <td>{batch.status.replace('_', ' ')}</td>
              <td className="tw-progress-cell">
                <ProgressBar counts={batch.counts} />
              </td>
              <td>{formatTime(batch.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data.total > BATCH_PAGE && (
        <p className="tw-pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - BATCH_PAGE))}>
            Newer
          </button>
          <span className="tw-hint">
            {offset + 1}–{offset + page.data.batches.length} of {page.data.total}
          </span>
          <button type="button" disabled={!page.data.has_more} onClick={() => setOffset(offset + BATCH_PAGE)}>
            Older
          </button>
        </p>
      )}
    </div>
  );
}

function Throughput({ dashboard, projects }: { dashboard: DashboardApi; projects: string[] }) {
  const [bucket, setBucket] = useState<ThroughputBucket>('day');
  const [project, setProject] = useState('');
  // Day buckets start at the viewer's midnight.
  const tzOffset = -new Date().getTimezoneOffset();
  const series = useLoad(
    () => dashboard.throughput({ bucket, project: project || undefined, tz_offset_minutes: tzOffset }),
    `${bucket}:${project}`,
  );
  return (
    <section className="tw-card" aria-label="Throughput">
      <header className="tw-card-header">
        <h2>Throughput</h2>
        <label>
          Project{' '}
          <select value={project} onChange={(event) => setProject(event.target.value)}>
            <option value="">All projects</option>
            {projects.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <span role="group" aria-label="Bucket">
          {(['hour', 'day'] as const).map((value) => (
            <button key={value} type="button" aria-pressed={bucket === value} onClick={() => setBucket(value)}>
              {value === 'hour' ? 'Last 48 hours' : 'Last 14 days'}
            </button>
          ))}
        </span>
      </header>
      {series.error && <p role="alert">{series.error}</p>}
      {series.data && <ThroughputChart throughput={series.data} />}
    </section>
  );
}
