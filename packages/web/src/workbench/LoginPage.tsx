import { useState, type FormEvent } from 'react';
import type { AppApi } from '../api/client.ts';
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
      const { user } = await api.login({ email, password });
      onSignedIn(user);
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
