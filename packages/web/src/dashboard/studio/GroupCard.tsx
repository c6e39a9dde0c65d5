import { useState, type FormEvent } from 'react';
import type { AssignedTeammate, ProjectGroup, StudioApi } from '../../api/studio.ts';
import type { Run } from './run.ts';

/** One labeler group: rename, delete, add and remove workers. */
export function GroupCard({
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
