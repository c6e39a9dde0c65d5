import { useEffect, useState } from 'react';
import type { AppApi } from '../api/client.ts';
import type { QueueProjectsResponse } from '../api/types.ts';

/** The projects the caller can work on, with their waiting counts and links into the labeling and review queues. */
export function WorkQueues({ api, canReview }: { api: AppApi; canReview: boolean }) {
  const [projects, setProjects] = useState<QueueProjectsResponse['projects'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.queueProjects().then(
      (body) => setProjects(body.projects),
      (caught: Error) => setError(caught.message),
    );
  }, [api]);
  if (error) return <p role="alert">{error}</p>;
  if (!projects) return <p className="tw-page-message">Loading projects…</p>;
  return (
    <section aria-label="Work queues">
      <h2>Your queues</h2>
      {projects.length === 0 && <p>No projects have work for you.</p>}
      {projects.length > 0 && (
        <table className="tw-table">
          <thead>
            <tr>
              <th>Project</th>
              <th>Type</th>
              <th>To label</th>
              {canReview && <th>To review</th>}
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.name}>
                <td>{project.name}</td>
                <td>{project.type}</td>
                <td>
                  <a href={`#/work?project=${encodeURIComponent(project.name)}`}>{project.waiting_label}</a>
                </td>
                {canReview && (
                  <td>
                    <a href={`#/review?project=${encodeURIComponent(project.name)}`}>{project.waiting_review}</a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
