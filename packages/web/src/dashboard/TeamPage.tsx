import { useState, type FormEvent } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { Invitation, TeamResponse } from '../api/dashboard-types.ts';
import type { UserRole } from '../api/types.ts';
import { formatTime, useLoad } from './use-load.ts';

const ROLES: UserRole[] = ['labeler', 'member', 'manager', 'admin'];

/**
 * Admins: teammates with their roles, invitations (with the sign-up link, shown once), role changes,
 * lifting a sign-in lock-out, and password-reset links (shown once) for teammates who have signed up.
 */
export function TeamPage({ dashboard }: { dashboard: DashboardApi }) {
  const team = useLoad(() => dashboard.teammates(), 'team');
  const [current, setCurrent] = useState<TeamResponse | null>(null);
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState<UserRole>('labeler');
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const teammates = (current ?? team.data)?.teammates;

  const run = async (action: () => Promise<TeamResponse>) => {
    setError(null);
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
    void run(() => dashboard.invite(list, role)).then(() => setEmails(''));
  };

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
        <button type="submit" className="tw-primary">
          Invite
        </button>
      </form>
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
      {invitations.length > 0 && (
        <div className="tw-card tw-notice-card" role="status" aria-label="Invitation links">
          <p>Send each person their link. It is shown only now and works once: sign-up links for 7 days, password-reset links for 24 hours.</p>
          <ul>
            {invitations.map((invitation) => (
              <li key={invitation.token}>
                {invitation.email} ({invitation.purpose === 'password_reset' ? 'password reset' : invitation.role}):{' '}
                <code>{`${window.location.origin}${invitation.invite_path}`}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {team.error && <p role="alert">{team.error}</p>}
      {teammates && (
        <table className="tw-table" aria-label="Teammates">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {teammates.map((teammate) => (
              <tr key={teammate.id} data-email={teammate.email}>
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
