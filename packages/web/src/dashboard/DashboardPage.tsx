import { useMemo } from 'react';
import type { AppApi } from '../api/client.ts';
import type { SessionUser } from '../api/types.ts';
import { DashboardApi } from '../api/dashboard.ts';
import { OverviewPage } from './OverviewPage.tsx';
import { TaskBrowser, filtersFromQuery } from './TaskBrowser.tsx';
import { TaskDetailPage } from './TaskDetailPage.tsx';
import { LabelerStatsPage } from './LabelerStatsPage.tsx';
import { TeamPage } from './TeamPage.tsx';
import { KeysPage } from './KeysPage.tsx';
import { WorkQueues } from './WorkQueues.tsx';
import { StudioPage } from './StudioPage.tsx';
import { StudioApi } from '../api/studio.ts';
import { DASHBOARD_ROLES } from './roles.ts';

interface Section {
  path: string;
  title: string;
  adminOnly?: boolean;
}

const SECTIONS: Section[] = [
  { path: '', title: 'Overview' },
  { path: 'tasks', title: 'Tasks' },
  { path: 'labelers', title: 'Labelers' },
  { path: 'queues', title: 'Queues' },
  { path: 'studio', title: 'Studio' },
  { path: 'team', title: 'Team', adminOnly: true },
  { path: 'keys', title: 'API keys', adminOnly: true },
];

/**
 * The manager dashboard under `#/dashboard/<section>`: overview (projects, batches, throughput),
 * task browser and task pages, labeler statistics, Studio (who works on what), and for admins the
 * team and API keys. Labelers see only their work queues.
 */
export function DashboardPage({ api, user, path, query }: { api: AppApi; user: SessionUser; path: string; query: URLSearchParams }) {
  const dashboard = useMemo(() => new DashboardApi(api), [api]);
  const studio = useMemo(() => new StudioApi(api), [api]);
  const [section = '', ...rest] = path.replace(/^\/dashboard\/?/, '').split('/');
  if (!DASHBOARD_ROLES.includes(user.role)) {
    return (
      <div className="tw-dashboard">
        <WorkQueues api={api} canReview={false} />
      </div>
    );
  }
  const isAdmin = user.role === 'admin';
  const visible = SECTIONS.filter((entry) => !entry.adminOnly || isAdmin);
  const active = visible.find((entry) => entry.path === section);

  let content;
  if (!active) content = <p role="alert">There is no dashboard page “{section}”{SECTIONS.some((entry) => entry.path === section) ? ' for your role' : ''}.</p>;
  else if (section === 'tasks' && rest[0]) content = <TaskDetailPage key={rest[0]} dashboard={dashboard} taskId={decodeURIComponent(rest[0])} />;
  else if (section === 'tasks') content = <TaskBrowser key={query.toString()} dashboard={dashboard} filters={filtersFromQuery(query)} />;
  else if (section === 'labelers') content = <LabelerStatsPage dashboard={dashboard} />;
  else if (section === 'queues') content = <WorkQueues api={api} canReview />;
  else if (section === 'studio') content = <StudioPage dashboard={dashboard} studio={studio} project={query.get('project') ?? undefined} />;
  else if (section === 'team') content = <TeamPage dashboard={dashboard} studio={studio} />;
  else if (section === 'keys') content = <KeysPage dashboard={dashboard} />;
  else content = <OverviewPage dashboard={dashboard} />;

  return (
    <div className="tw-dashboard">
      <nav className="tw-subnav" aria-label="Dashboard">
        {visible.map((entry) => (
          <a key={entry.path} href={`#/dashboard${entry.path ? `/${entry.path}` : ''}`} aria-current={active === entry ? 'page' : undefined}>
            {entry.title}
          </a>
        ))}
      </nav>
      <h1>{active?.title ?? 'Dashboard'}</h1>
      {content}
    </div>
  );
}
