import { useState, type FormEvent } from 'react';
import { ApiError, type AppApi } from '../api/client.ts';
import type { SessionUser } from '../api/types.ts';
import { FormSubmit, useFormSubmit } from './FormSubmit.tsx';

/** Email and password sign-in; the server answers with a session cookie. */
export function LoginPage({ api, onSignedIn }: { api: AppApi; onSignedIn: (user: SessionUser) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, submitting } = useFormSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await submitting(async () => {
      try {
        const { user } = await api.login({ email, password });
        onSignedIn(user);
      } catch (caught) {
        throw readable(caught);
      }
    });
  };

  return (
    <form className="tw-login" onSubmit={submit}>
      <h1>Sign in to Tagwright</h1>
      <label>
        Email
        <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <FormSubmit error={error} busy={busy} label="Sign in" />
      <a href={`#/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>Forgot password?</a>
    </form>
  );
}

/** A lock-out names its end in the reader's own time zone (the server's message says it in UTC). */
function readable(caught: unknown): unknown {
  const until = caught instanceof ApiError ? caught.details.locked_until : undefined;
  if (typeof until !== 'string' || Number.isNaN(Date.parse(until))) return caught;
  const date = new Date(until);
  const local = date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  const utc = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return new Error(`Too many failed sign-in attempts: this account is locked until ${local} (${utc} UTC). Try again then, or ask an admin to unlock it.`);
}
