import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { AssignedTeammate, ProjectGroup, StudioApi, StudioBatch } from '../api/studio.ts';
import { useLoad } from './use-load.ts';

/** Moves the item at `from` to `to` (both clamped to the list), returning a new list. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const target = Math.max(0, Math.min(items.length - 1, to));
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item);
  return next;
}

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

  const run = async <T,>(action: () => Promise<T>, done?: string): Promise<T | undefined> => {
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

type Run = <T>(action: () => Promise<T>, done?: string) => Promise<T | undefined>;

function ProjectStudio({ studio, project, isStudio, run }: { studio: StudioApi; project: string; isStudio: boolean; run: Run }) {
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

function GroupCard({
  group,
  candidates,
  studio,
  project,
  run,
  onChange,
  onRenamed,
  onDeleted,
}: {
  group: ProjectGroup;
  candidates: AssignedTeammate[];
  studio: StudioApi;
  project: string;
  run: Run;
  onChange: (group: ProjectGroup) => void;
  onRenamed: (oldName: string, group: ProjectGroup) => void;
  /** Called with the project's remaining groups. */
  onDeleted: (groups: ProjectGroup[]) => void;
}) {
  const outside = candidates.filter((teammate) => !group.workers.some((worker) => worker.id === teammate.id));
  const [adding, setAdding] = useState('');
  const [newName, setNewName] = useState<string | null>(null);
  const update = async (change: { add_emails?: string[]; remove_emails?: string[] }, done: string) => {
    const updated = await run(() => studio.updateGroup(project, group.name, change), done);
    if (updated) onChange(updated);
  };
  const rename = async (event: FormEvent) => {
    event.preventDefault();
    const name = (newName ?? '').trim();
    if (!name || name === group.name) {
      setNewName(null);
      return;
    }
    const renamed = await run(() => studio.renameGroup(project, group.name, name), `Renamed group ${group.name} to ${name}.`);
    if (renamed) {
      setNewName(null);
      onRenamed(group.name, renamed);
    }
  };
  const remove = async () => {
    // A refusal (batches still assigned to the group) comes back as a 409 whose message names them.
    if (!window.confirm(`Delete group ${group.name}? Its ${group.num_workers === 1 ? 'worker stays' : 'workers stay'} assigned to ${project}.`)) return;
    const remaining = await run(() => studio.deleteGroup(project, group.name), `Deleted group ${group.name}.`);
    if (remaining) onDeleted(remaining);
  };
  return (
    <div className="tw-group" role="group" aria-label={`Group ${group.name}`} data-group={group.name}>
      {newName === null ? (
        <h3>
          {group.name} <span className="tw-hint">{group.num_workers === 1 ? '1 worker' : `${group.num_workers} workers`}</span>{' '}
          <button type="button" aria-label={`Rename group ${group.name}`} onClick={() => setNewName(group.name)}>
            Rename
          </button>
          <button type="button" aria-label={`Delete group ${group.name}`} onClick={() => void remove()}>
            Delete
          </button>
        </h3>
      ) : (
        <form className="tw-inline-form" aria-label={`Rename group ${group.name}`} onSubmit={(event) => void rename(event)}>
          <input type="text" aria-label={`New name for ${group.name}`} value={newName} maxLength={100} autoFocus onChange={(event) => setNewName(event.target.value)} />
          <button type="submit" className="tw-primary">
            Save name
          </button>
          <button type="button" onClick={() => setNewName(null)}>
            Cancel
          </button>
        </form>
      )}
      <ul className="tw-chips">
        {group.workers.map((worker) => (
          <li key={worker.id}>
            {worker.email}
            <button type="button" aria-label={`Remove ${worker.email} from group ${group.name}`} onClick={() => void update({ remove_emails: [worker.email] }, `Removed ${worker.email} from ${group.name}.`)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {outside.length > 0 && (
        <form
          className="tw-inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            const email = adding || outside[0].email;
            void update({ add_emails: [email] }, `Added ${email} to ${group.name}.`).then(() => setAdding(''));
          }}
        >
          <select aria-label={`Add a worker to ${group.name}`} value={adding || outside[0].email} onChange={(event) => setAdding(event.target.value)}>
            {outside.map((teammate) => (
              <option key={teammate.id} value={teammate.email}>
                {teammate.email}
              </option>
            ))}
          </select>
          <button type="submit">Add</button>
        </form>
      )}
    </div>
  );
}

function BatchGroups({
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

function PriorityOrder({ studio, project, batches, run, onChange }: { studio: StudioApi; project: string; batches: StudioBatch[]; run: Run; onChange: (batches: StudioBatch[]) => void }) {
  const [order, setOrder] = useState<StudioBatch[]>(batches);
  // A new answer from the server replaces the draft order only when it lists other batches or another order,
  // so ticking a batch's groups does not undo an unsaved reordering.
  const serverOrder = batches.map((batch) => batch.id).join(' ');
  useEffect(() => setOrder(batches), [serverOrder]); // eslint-disable-line react-hooks/exhaustive-deps
  const changed = order.some((batch, index) => batch.id !== batches[index]?.id);
  const explicit = batches.some((batch) => batch.studio_priority !== undefined);

  const save = async () => {
    const answer = await run(() => studio.setPriorities(order.map((batch) => batch.name)), 'Saved the priority order.');
    if (answer) onChange(answer);
  };
  const reset = async () => {
    const answer = await run(() => studio.resetPriorities(), 'Back to the default order: oldest batch first.');
    if (answer) onChange(answer);
  };

  return (
    <div className="tw-card">
      <div className="tw-card-header">
        <h2>Priority order of all Studio batches</h2>
        <button type="button" className="tw-primary" disabled={!changed} onClick={() => void save()}>
          Save order
        </button>
        <button type="button" onClick={() => void reset()} disabled={!explicit && !changed}>
          Reset to oldest first
        </button>
      </div>
      <p className="tw-hint">
        Labelers get tasks of the first batch before the next. The order covers every pending Studio batch of every project; {explicit ? 'it was set by hand' : 'it is the default (oldest first)'}.
      </p>
      {order.length === 0 ? (
        <p>No pending Studio batches.</p>
      ) : (
        <table className="tw-table" aria-label="Priority order">
          <thead>
            <tr>
              <th>Place</th>
              <th>Batch</th>
              <th>Project</th>
              <th>Done</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {order.map((batch, index) => (
              <tr key={batch.id} data-batch={batch.name} className={batch.project === project ? 'tw-highlight' : undefined}>
                <td>
                  <PlaceInput name={batch.name} place={index + 1} max={order.length} onMove={(place) => setOrder(moveItem(order, index, place - 1))} />
                </td>
                <td>{batch.name}</td>
                <td>{batch.project}</td>
                <td>
                  {batch.completed}/{batch.total}
                </td>
                <td>
                  <button type="button" aria-label={`Move ${batch.name} up`} disabled={index === 0} onClick={() => setOrder(moveItem(order, index, index - 1))}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${batch.name} down`} disabled={index === order.length - 1} onClick={() => setOrder(moveItem(order, index, index + 1))}>
                    ↓
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A batch's place as a number; typing another place and leaving the field (or Enter) moves the batch there. */
function PlaceInput({ name, place, max, onMove }: { name: string; place: number; max: number; onMove: (place: number) => void }) {
  const [text, setText] = useState(String(place));
  useEffect(() => setText(String(place)), [place]);
  const commit = () => {
    const wanted = Number.parseInt(text, 10);
    if (Number.isInteger(wanted) && wanted >= 1 && wanted !== place) onMove(Math.min(wanted, max));
    else setText(String(place));
  };
  return (
    <input
      type="number"
      className="tw-place"
      aria-label={`Place of ${name}`}
      min={1}
      max={max}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          commit();
        }
      }}
    />
  );
}
