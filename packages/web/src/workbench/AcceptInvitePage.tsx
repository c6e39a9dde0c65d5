import { useEffect, useState, type FormEvent } from 'react';
import type { AppApi } from '../api/client.ts';
import type { InvitationInfo, SessionUser } from '../api/types.ts';
import { formatTime } from '../dashboard/use-load.ts';
import { FormSubmit, useFormSubmit } from './FormSubmit.tsx';

/** The server's rule until its invitation answer arrives (GET /session/invitation says the current one). */
const DEFAULT_MIN_PASSWORD = 10;

/**
 * `#/accept-invite?token=…`: a new teammate sets their name and password from the invitation link, and is signed in.
 * With `&reset=1` (a password-reset link an admin made) the same token sets a new password; the name is not asked.
 * Before the first attempt the page names the email, the team and the password rule, from the server's
 * answer for the token; a link that no longer works says so (and whom to ask) instead of showing a form.
 */
export function AcceptInvitePage({ api, token, reset = false, onSignedIn }: { api: AppApi; token: string; reset?: boolean; onSignedIn: (user: SessionUser) => void }) {
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [invitation, setInvitation] = useState<InvitationInfo | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const { error, setError, busy, submitting } = useFormSubmit();

  useEffect(() => {
    let current = true;
    api.invitation(token).then(
      (info) => current && setInvitation(info),
      (caught: Error) => current && setLinkError(caught.message),
    );
    return () => {
      current = false;
    };
  }, [api, token]);

  const isReset = invitation ? invitation.purpose === 'password_reset' : reset;
  const minPassword = invitation?.password_min_length ?? DEFAULT_MIN_PASSWORD;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < minPassword) return setError(`Choose a password of at least ${minPassword} characters (this one has ${password.length}).`);
    if (password !== repeat) return setError('The two passwords differ.');
    await submitting(async () => {
      const { user } = await api.acceptInvite({ token, password, first_name: firstName.trim() || undefined, last_name: lastName.trim() || undefined });
      window.location.hash = '#/work';
      onSignedIn(user);
    });
  };

  if (linkError) {
    return (
      <div className="tw-login">
        <h1>This link does not work</h1>
        <p role="alert" className="tw-error">
          {linkError}
        </p>
        <p className="tw-hint">Ask the admin who sent it for a new link (Dashboard › Team › New link), or sign in if you have already set your password.</p>
        <p>
          <a href="#/work">Sign in</a>
        </p>
      </div>
    );
  }

  return (
    <form className="tw-login" onSubmit={submit} aria-label={isReset ? 'Choose a new password' : 'Accept the invitation'}>
      <h1>{isReset ? 'Choose a new password' : 'Join Tagwright'}</h1>
      {invitation ? (
        <p className="tw-invitation" data-testid="invitation">
          {isReset ? (
            <>
              A new password for <strong>{invitation.email}</strong> on the team <strong>{invitation.team}</strong>.
            </>
          ) : (
            <>
              You are invited to the team <strong>{invitation.team}</strong> and will sign in as <strong>{invitation.email}</strong>.
            </>
          )}{' '}
          This link works once, until {formatTime(invitation.expires_at)}.
        </p>
      ) : (
        <p className="tw-hint">Checking the link…</p>
      )}
      <p className="tw-hint">{isReset ? 'Your other sessions end once the new password is set.' : 'Choose the password you will sign in with.'}</p>
      {invitation && <input type="email" name="username" autoComplete="username" value={invitation.email} readOnly hidden />}
      {!isReset && (
        <>
          <label>
            First name
            <input type="text" autoComplete="given-name" value={firstName} onChange={(event) => setFirstName(event.target.value)} />
          </label>
          <label>
            Last name
            <input type="text" autoComplete="family-name" value={lastName} onChange={(event) => setLastName(event.target.value)} />
          </label>
        </>
      )}
      <label>
        Password
        <input type="password" autoComplete="new-password" required aria-describedby="password-rule" value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <p id="password-rule" className="tw-hint" data-testid="password-rule">
        At least {minPassword} characters; any characters count, spaces included.
      </p>
      <label>
        Repeat password
        <input type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
      </label>
      <FormSubmit error={error} busy={busy || !invitation} label="Set password and sign in" />
    </form>
  );
}
