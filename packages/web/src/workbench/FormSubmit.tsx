import { useState } from 'react';

/**
 * The one request of a sign-in style form (sign in, forgot password, accept invite): `busy` while
 * it runs, its error message once it fails.
 */
export function useFormSubmit() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submitting = async (request: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await request();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, submitting };
}

/** The foot of such a form: the error line, if any, and the submit button, disabled while busy. */
export function FormSubmit({ error, busy, label }: { error: string | null; busy: boolean; label: string }) {
  return (
    <>
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
      <button type="submit" className="tw-primary" disabled={busy}>
        {label}
      </button>
    </>
  );
}
