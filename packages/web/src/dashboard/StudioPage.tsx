import { useMemo, useState } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { StudioApi } from '../api/studio.ts';
import { useLoad } from './use-load.ts';
import { ProjectStudio } from './studio/ProjectStudio.tsx';
import type { Run } from './studio/run.ts';

function messageOf(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

/**
 * Members, managers and admins: who works on what. For the chosen project, the teammates assigned
 * to it and its labeler groups; its pending Studio batches and the groups working each; and the
 * priority order of every pending Studio batch of the account (the order is one list across
 * projects, so it is edited as a whole). Every change goes through the same rules as the v1 Studio API.
 */
export function StudioPage({ dashboard, studio, project }: { dashboard: DashboardApi; studio: StudioApi; project?: string }) {
  const projects = useLoad(() => dashboard.projects(), 'projects');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const live = useMemo(() => (projects.data ?? []).filter((entry) => !entry.archived), [projects.data]);
  const selected = live.find((entry) => entry.name === project) ?? live[0];

  const run: Run = async (action, done) => {
    setError(null);
    setNotice(null);
    try {
      const answer = await action();
      if (done) setNotice(done);
      return answer;
    } catch (caught) {
      setError(messageOf(caught));
      return undefined;
    }
  };

  return (
    <section className="tw-studio">
      <div className="tw-filters">
        <label>
          Project
          <select
            value={selected?.name ?? ''}
            onChange={(event) => {
              window.location.hash = `#/dashboard/studio?project=${encodeURIComponent(event.target.value)}`;
            }}
          >
            {live.map((entry) => (
              <option key={entry.id} value={entry.name}>
                {entry.name}
                {entry.studio ? ' (Studio)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      {projects.error && <p role="alert">{projects.error}</p>}
      {projects.data && live.length === 0 && <p>No projects yet. Create one with the API (POST /v1/projects) or the CLI.</p>}
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="tw-ok">
          {notice}
        </p>
      )}
      {selected && <ProjectStudio key={selected.name} studio={studio} project={selected.name} isStudio={Boolean(selected.studio)} run={run} />}
    </section>
  );
}
