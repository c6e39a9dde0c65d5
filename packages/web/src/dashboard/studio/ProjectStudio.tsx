import { useState, type FormEvent } from 'react';
import type { AssignedTeammate, ProjectGroup, StudioApi, StudioBatch } from '../../api/studio.ts';
import { useLoad } from '../use-load.ts';
import { BatchGroups } from './BatchGroups.tsx';
import { GroupCard } from './GroupCard.tsx';
import { PriorityOrder } from './PriorityOrder.tsx';
import type { Run } from './run.ts';

/** One project on the Studio page: its team, its groups, its Studio batches and the account-wide priority order. */
export function ProjectStudio({ studio, project, isStudio, run }: { studio: StudioApi; project: string; isStudio: boolean; run: Run }) {
  const loadedTeam = useLoad(() => studio.assignments(), 'assignments');
  const loadedGroups = useLoad(() => studio.groups(project), `groups ${project}`);
  const loadedBatches = useLoad(() => studio.batches(), 'batches');
  const [team, setTeam] = useState<AssignedTeammate[] | null>(null);
  const [groups, setGroups] = useState<ProjectGroup[] | null>(null);
  const [batches, setBatches] = useState<StudioBatch[] | null>(null);
  const teammates = team ?? loadedTeam.data ?? [];
  const projectGroups = groups ?? loadedGroups.data ?? [];
  const allBatches = batches ?? loadedBatches.data ?? [];

  const assigned = teammates.filter((teammate) => teammate.projects.includes(project));
  const unassigned = teammates.filter((teammate) => !teammate.projects.includes(project));
  const [toAssign, setToAssign] = useState('');
  const [groupName, setGroupName] = useState('');

  const changeTeam = async (action: () => Promise<AssignedTeammate[]>, done: string) => {
    const answer = await run(action, done);
    if (!answer) return;
    setTeam(answer);
    // Unassigned teammates also leave the project's groups: show the groups as the server has them.
    setGroups(null);
    loadedGroups.reload();
  };
  const assign = (event: FormEvent) => {
    event.preventDefault();
    const email = toAssign || unassigned[0]?.email;
    if (!email) return;
    void changeTeam(() => studio.assign([email], [project]), `Assigned ${email} to ${project}.`).then(() => setToAssign(''));
  };
  const replaceGroup = (group: ProjectGroup) => setGroups(projectGroups.map((entry) => (entry.id === group.id ? group : entry)));
  // Batches refer to their groups by name: a renamed group keeps its batches under its new name.
  const renamedGroup = (oldName: string, group: ProjectGroup) => {
    replaceGroup(group);
    const current = batches ?? loadedBatches.data;
    if (current) setBatches(current.map((batch) => (batch.project === project ? { ...batch, groups: batch.groups.map((name) => (name === oldName ? group.name : name)) } : batch)));
  };
  const createGroup = async (event: FormEvent) => {
    event.preventDefault();
    const name = groupName.trim();
    if (!name) return;
    const created = await run(() => studio.createGroup(project, name, []), `Created group ${name}.`);
    if (created) {
      setGroups([...projectGroups, created]);
      setGroupName('');
    }
  };

  const errors = [loadedTeam.error, loadedGroups.error, loadedBatches.error].filter(Boolean);
  return (
    <>
      {errors.map((message) => (
        <p role="alert" key={message}>
          {message}
        </p>
      ))}
      <div className="tw-studio-grid">
        <div className="tw-card">
          <h2>Team</h2>
          <p className="tw-hint">Teammates assigned to {project} get its tasks in their queue (labelers) or may review them.</p>
          <table className="tw-table" aria-label="Assigned teammates">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Groups</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {assigned.length === 0 && (
                <tr>
                  <td colSpan={4}>Nobody is assigned to this project yet.</td>
                </tr>
              )}
              {assigned.map((teammate) => (
                <tr key={teammate.id} data-email={teammate.email}>
                  <td>{teammate.email}</td>
                  <td>{teammate.role}</td>
                  <td>
                    {projectGroups
                      .filter((group) => group.workers.some((worker) => worker.id === teammate.id))
                      .map((group) => group.name)
                      .join(', ')}
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove ${teammate.email} from ${project}`}
                      onClick={() => void changeTeam(() => studio.unassign([teammate.email], [project]), `Removed ${teammate.email} from ${project}.`)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {unassigned.length > 0 && (
            <form className="tw-filters" onSubmit={assign} aria-label="Assign a teammate">
              <label>
                Teammate to assign
                <select value={toAssign || unassigned[0].email} onChange={(event) => setToAssign(event.target.value)}>
                  {unassigned.map((teammate) => (
                    <option key={teammate.id} value={teammate.email}>
                      {teammate.email} ({teammate.role})
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="tw-primary">
                Assign
              </button>
            </form>
          )}
        </div>

        <div className="tw-card">
          <h2>Groups</h2>
          <p className="tw-hint">A batch given to groups is worked only by their members. Members must be assigned to the project.</p>
          {projectGroups.length === 0 && <p>No groups in this project.</p>}
          {projectGroups.map((group) => (
            <GroupCard
              key={group.id}
              group={group}
              candidates={assigned}
              studio={studio}
              project={project}
              run={run}
              onChange={replaceGroup}
              onRenamed={renamedGroup}
              onDeleted={setGroups}
            />
          ))}
          <form className="tw-filters" onSubmit={(event) => void createGroup(event)} aria-label="New group">
            <label>
              New group name
              <input type="text" value={groupName} onChange={(event) => setGroupName(event.target.value)} />
            </label>
            <button type="submit">Create group</button>
          </form>
        </div>
      </div>

      <BatchGroups
        studio={studio}
        project={project}
        isStudio={isStudio}
        batches={allBatches.filter((batch) => batch.project === project)}
        groups={projectGroups}
        run={run}
        onChange={(batch) => setBatches(allBatches.map((entry) => (entry.id === batch.id ? batch : entry)))}
      />
      <PriorityOrder studio={studio} project={project} batches={allBatches} run={run} onChange={setBatches} />
    </>
  );
}
