import { useState, type FormEvent } from 'react';
import type { AppApi } from '../api/client.ts';
import { FormSubmit, useFormSubmit } from './FormSubmit.tsx';

/**
 * `#/forgot-password`: a teammate asks for a one-time link to choose a new password. The server
 * answers the same whatever the email, so this page always shows the same neutral confirmation;
 * the link in the mail opens the accept-invite page in reset mode.
 */
export function ForgotPasswordPage({ api, initialEmail = '' }: { api: AppApi; initialEmail?: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { error, busy, submitting } = useFormSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await submitting(async () => {
      await api.forgotPassword({ email: email.trim() });
      setSentTo(email.trim());
    });
  };

  if (sentTo !== null) {
    return (
      <div className="tw-login">
        <h1>Check your mail</h1>
        <p role="status">
          If <strong>{sentTo}</strong> belongs to a teammate who has signed up, a link to choose a new password is on its way. It works once, for 24
          hours.
        </p>
        <p className="tw-hint">No mail after a few minutes? Look in your spam folder, or ask an admin of your team for a reset link.</p>
        <a href="#/work">Back to sign in</a>
      </div>
    );
  }

  return (
    <form className="tw-login" onSubmit={submit}>
      <h1>Forgot your password?</h1>
      <p className="tw-hint">Enter the email you sign in with; we will mail you a link to choose a new password.</p>
      <label>
        Email
        <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </label>
      <FormSubmit error={error} busy={busy} label="Send reset link" />
      <a href="#/work">Back to sign in</a>
    </form>
  );
}
