import { useState, type FormEvent } from 'react';
import type { AppApi } from '../api/client.ts';
import type { SessionUser } from '../api/types.ts';

/** Email and password sign-in; the server answers with a session cookie. */
export function LoginPage({ api, onSignedIn }: { api: AppApi; onSignedIn: (user: SessionUser) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.login({ email, password });
      onSignedIn(user);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
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
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
      <button type="submit" className="tw-primary" disabled={busy}>
        Sign in
      </button>
      <a href={`#/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>Forgot password?</a>
    </form>
  );
}
