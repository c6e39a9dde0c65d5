import { useMemo, useState, type FormEvent } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { AssignedTeammate, StudioApi } from '../api/studio.ts';
import type { Invitation, TeamResponse } from '../api/dashboard-types.ts';
import type { UserRole } from '../api/types.ts';
import { formatTime, useLoad } from './use-load.ts';
import { AssignProjects } from './team/AssignProjects.tsx';
import { ProjectPicker } from './team/ProjectPicker.tsx';

const ROLES: UserRole[] = ['labeler', 'member', 'manager', 'admin'];

/**
 * Admins: teammates with their roles and projects, invitations (with the sign-up link, shown once,
 * and the projects they start on), role changes, assigning several people to several projects in one
 * action, lifting a sign-in lock-out, and password-reset links (shown once) for teammates who have signed up.
 */
export function TeamPage({ dashboard, studio }: { dashboard: DashboardApi; studio: StudioApi }) {
  const team = useLoad(() => dashboard.teammates(), 'team');
  const loadedProjects = useLoad(() => dashboard.projects(), 'projects');
  const loadedAssignments = useLoad(() => studio.assignments(), 'assignments');
  const [current, setCurrent] = useState<TeamResponse | null>(null);
  const [assignments, setAssignments] = useState<AssignedTeammate[] | null>(null);
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState<UserRole>('labeler');
  const [inviteProjects, setInviteProjects] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const teammates = (current ?? team.data)?.teammates;
  const projectNames = useMemo(() => (loadedProjects.data ?? []).filter((project) => !project.archived).map((project) => project.name), [loadedProjects.data]);
  const projectsOf = useMemo(() => new Map((assignments ?? loadedAssignments.data ?? []).map((entry) => [entry.email, entry.projects])), [assignments, loadedAssignments.data]);

  const run = async (action: () => Promise<TeamResponse>) => {
    setError(null);
    setNotice(null);
    try {
      const answer = await action();
      setCurrent(answer);
      // A newer link for the same person replaces the older one, which stopped working.
      const fresh = answer.invitations ?? [];
      if (fresh.length > 0) setInvitations((shown) => [...fresh, ...shown.filter((old) => !fresh.some((link) => link.email === old.email))]);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const invite = (event: FormEvent) => {
    event.preventDefault();
    const list = emails.split(/[\s,;]+/).filter(Boolean);
    if (list.length === 0) return;
    void run(() => dashboard.invite(list, role, inviteProjects)).then(async () => {
      setEmails('');
      if (inviteProjects.length > 0) setAssignments(await studio.assignments().catch(() => null));
    });
  };
  // One request for every selected person and every chosen project (the Studio assignments API).
  const assign = async (people: string[], projects: string[], add: boolean): Promise<boolean> => {
    setError(null);
    setNotice(null);
    try {
      setAssignments(add ? await studio.assign(people, projects) : await studio.unassign(people, projects));
      const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      setNotice(`${add ? 'Assigned' : 'Removed'} ${count(people.length, 'teammate')} ${add ? 'to' : 'from'} ${count(projects.length, 'project')}.`);
      return true;
    } catch (caught) {
      setError((caught as Error).message);
      return false;
    }
  };
  const toggleSelected = (email: string, on: boolean) => setSelected((list) => (on ? [...list.filter((entry) => entry !== email), email] : list.filter((entry) => entry !== email)));

  return (
    <section>
      <form className="tw-filters" onSubmit={invite} aria-label="Invite teammates">
        <label>
          Emails
          <input type="text" className="tw-wide" placeholder="ana@example.com, ben@example.com" value={emails} onChange={(event) => setEmails(event.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
            {ROLES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <ProjectPicker legend="Start on projects" projects={projectNames} chosen={inviteProjects} onChange={setInviteProjects} />
        <button type="submit" className="tw-primary">
          Invite
        </button>
      </form>
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
      {invitations.length > 0 && (
        <div className="tw-card tw-notice-card" role="status" aria-label="Invitation links">
          <p>Send each person their link. It is shown only now and works once: sign-up links for 7 days, password-reset links for 24 hours.</p>
          <ul>
            {invitations.map((invitation) => (
              <li key={invitation.token}>
                {invitation.email} ({invitation.purpose === 'password_reset' ? 'password reset' : invitation.role}):{' '}
                <code>{invitation.invite_url ?? `${window.location.origin}${invitation.invite_path}`}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {team.error && <p role="alert">{team.error}</p>}
      {teammates && teammates.length > 0 && <AssignProjects selected={selected} projects={projectNames} onAssign={assign} onClear={() => setSelected([])} />}
      {teammates && (
        <table className="tw-table" aria-label="Teammates">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select everyone"
                  checked={teammates.length > 0 && selected.length === teammates.length}
                  onChange={(event) => setSelected(event.target.checked ? teammates.map((teammate) => teammate.email) : [])}
                />
              </th>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Projects</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {teammates.map((teammate) => (
              <tr key={teammate.id} data-email={teammate.email}>
                <td>
                  <input type="checkbox" aria-label={`Select ${teammate.email}`} checked={selected.includes(teammate.email)} onChange={(event) => toggleSelected(teammate.email, event.target.checked)} />
                </td>
                <td>{teammate.email}</td>
                <td>{[teammate.first_name, teammate.last_name].filter(Boolean).join(' ')}</td>
                <td>
                  <select
                    aria-label={`Role of ${teammate.email}`}
                    value={teammate.role}
                    onChange={(event) => void run(() => dashboard.setRole([teammate.email], event.target.value as UserRole))}
                  >
                    {ROLES.map((value) => (
                      <option key={value}>{value}</option>
                    ))}
                  </select>
                </td>
                <td data-testid="teammate-projects">{projectsOf.get(teammate.email)?.join(', ') || <span className="tw-hint">none</span>}</td>
                <td>
                  {teammate.locked_until ? (
                    <span className="tw-locked" title={new Date(teammate.locked_until).toISOString()}>
                      locked until {formatTime(teammate.locked_until)}
                    </span>
                  ) : teammate.signed_up ? (
                    'active'
                  ) : teammate.invite_expires_at ? (
                    `invited, until ${formatTime(teammate.invite_expires_at)}`
                  ) : (
                    'no password set'
                  )}
                  {teammate.password_reset_expires_at && <span className="tw-hint"> · reset link open until {formatTime(teammate.password_reset_expires_at)}</span>}
                </td>
                <td>
                  {teammate.locked_until && (
                    <button type="button" aria-label={`Unlock ${teammate.email}`} onClick={() => void run(() => dashboard.unlock(teammate.email))}>
                      Unlock
                    </button>
                  )}
                  {!teammate.signed_up && (
                    <button type="button" onClick={() => void run(() => dashboard.reinvite(teammate.email))}>
                      New link
                    </button>
                  )}
                  {teammate.signed_up && (
                    <button
                      type="button"
                      aria-label={`Reset the password of ${teammate.email}`}
                      onClick={() => {
                        if (window.confirm(`Create a one-time link with which ${teammate.email} chooses a new password? Their current password keeps working until the link is used.`)) {
                          void run(() => dashboard.resetPassword(teammate.email));
                        }
                      }}
                    >
                      Reset password
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
