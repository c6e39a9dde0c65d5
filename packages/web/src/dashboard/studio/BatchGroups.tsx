import type { StudioApi, StudioBatch, ProjectGroup } from '../../api/studio.ts';
import type { Run } from './run.ts';

/** The project's pending Studio batches, each with a tick box per group that works it. */
export function BatchGroups({
  studio,
  project,
  isStudio,
  batches,
  groups,
  run,
  onChange,
}: {
  studio: StudioApi;
  project: string;
  isStudio: boolean;
  batches: StudioBatch[];
  groups: ProjectGroup[];
  run: Run;
  onChange: (batch: StudioBatch) => void;
}) {
  const toggle = async (batch: StudioBatch, group: string, on: boolean) => {
    const next = on ? [...batch.groups, group] : batch.groups.filter((name) => name !== group);
    const updated = await run(() => studio.setBatchGroups(batch.name, next), `${batch.name}: ${next.length > 0 ? `worked by ${next.join(', ')}` : 'worked by everyone assigned'}.`);
    if (updated) onChange(updated);
  };
  return (
    <div className="tw-card">
      <h2>Studio batches of {project}</h2>
      {!isStudio && <p>{project} is not a Studio project: its batches are worked in batch and task priority order, by everyone assigned to it.</p>}
      {isStudio && batches.length === 0 && <p>No pending Studio batches in this project.</p>}
      {isStudio && batches.length > 0 && (
        <table className="tw-table" aria-label={`Studio batches of ${project}`}>
          <thead>
            <tr>
              <th>Priority</th>
              <th>Batch</th>
              <th>Status</th>
              <th>Done</th>
              <th>Worked by</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((batch) => (
              <tr key={batch.id} data-batch={batch.name}>
                <td>{batch.studio_priority ?? 'default'}</td>
                <td>{batch.name}</td>
                <td>{batch.status}</td>
                <td>
                  {batch.completed}/{batch.total}
                </td>
                <td>
                  {groups.length === 0 && <span className="tw-hint">everyone assigned (no groups yet)</span>}
                  {groups.map((group) => (
                    <label key={group.id} className="tw-choice-inline">
                      <input type="checkbox" checked={batch.groups.includes(group.name)} onChange={(event) => void toggle(batch, group.name, event.target.checked)} />
                      {group.name}
                    </label>
                  ))}
                  {groups.length > 0 && batch.groups.length === 0 && <span className="tw-hint"> (none ticked: everyone assigned)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
