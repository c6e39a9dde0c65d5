import { useState, type FormEvent } from 'react';
import type { AppApi } from '../api/client.ts';
import type { SessionUser } from '../api/types.ts';
import { FormSubmit, useFormSubmit } from './FormSubmit.tsx';

const MIN_PASSWORD = 10;

/**
 * `#/accept-invite?token=…`: a new teammate sets their name and password from the invitation link, and is signed in.
 * With `&reset=1` (a password-reset link an admin made) the same token sets a new password; the name is not asked.
 */
export function AcceptInvitePage({ api, token, reset = false, onSignedIn }: { api: AppApi; token: string; reset?: boolean; onSignedIn: (user: SessionUser) => void }) {
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, setError, busy, submitting } = useFormSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) return setError(`Choose a password of at least ${MIN_PASSWORD} characters.`);
    if (password !== repeat) return setError('The two passwords differ.');
    await submitting(async () => {
      const { user } = await api.acceptInvite({ token, password, first_name: firstName.trim() || undefined, last_name: lastName.trim() || undefined });
      window.location.hash = '#/work';
      onSignedIn(user);
    });
  };

  return (
    <form className="tw-login" onSubmit={submit}>
      <h1>{reset ? 'Choose a new password' : 'Join Tagwright'}</h1>
      <p className="tw-hint">{reset ? 'Your other sessions end once the new password is set.' : 'Choose the password you will sign in with.'}</p>
      {!reset && (
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
        <input type="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <label>
        Repeat password
        <input type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
      </label>
      <FormSubmit error={error} busy={busy} label="Set password and sign in" />
    </form>
  );
}
