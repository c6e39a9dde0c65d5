import { useState, type FormEvent } from 'react';
import type { DashboardApi } from '../api/dashboard.ts';
import type { ApiKey } from '../api/dashboard-types.ts';
import { formatTime, useLoad } from './use-load.ts';

/** Admins: the account's API keys (hints only), issuing one (the key is shown once) and revoking. */
export function KeysPage({ dashboard }: { dashboard: DashboardApi }) {
  const loaded = useLoad(() => dashboard.keys(), 'keys');
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [environment, setEnvironment] = useState<'live' | 'test'>('live');
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<{ key: ApiKey; apiKey: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = keys ?? loaded.data;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await dashboard.createKey(environment, label.trim() || undefined);
      setIssued(created);
      setLabel('');
      setKeys([...(list ?? []), created.key]);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const revoke = async (key: ApiKey) => {
    if (!window.confirm(`Revoke the ${key.environment} key ${key.hint}…? Programs using it stop working at once.`)) return;
    setError(null);
    try {
      setKeys(await dashboard.revokeKey(key.id));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <section>
      <form className="tw-filters" onSubmit={create} aria-label="New API key">
        <label>
          Environment
          <select value={environment} onChange={(event) => setEnvironment(event.target.value as 'live' | 'test')}>
            <option value="live">live</option>
            <option value="test">test (instant synthetic answers)</option>
          </select>
        </label>
        <label>
          Label
          <input type="text" placeholder="e.g. nightly import" value={label} onChange={(event) => setLabel(event.target.value)} />
        </label>
        <button type="submit" className="tw-primary">
          Create key
        </button>
      </form>
      {error && (
        <p role="alert" className="tw-error">
          {error}
        </p>
      )}
      {issued && (
        <div className="tw-card tw-notice-card" role="status" aria-label="New key">
          <p>Copy the new {issued.key.environment} key now; it will not be shown again.</p>
          <code data-testid="new-api-key">{issued.apiKey}</code>
        </div>
      )}
      {loaded.error && <p role="alert">{loaded.error}</p>}
      {list && (
        <table className="tw-table" aria-label="API keys">
          <thead>
            <tr>
              <th>Key</th>
              <th>Environment</th>
              <th>Label</th>
              <th>Created</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((key) => (
              <tr key={key.id} data-key-id={key.id}>
                <td>
                  <code>{key.hint}…</code>
                </td>
                <td>{key.environment}</td>
                <td>{key.label ?? ''}</td>
                <td>{formatTime(key.created_at)}</td>
                <td>{key.revoked_at ? `revoked ${formatTime(key.revoked_at)}` : 'active'}</td>
                <td>
                  {!key.revoked_at && (
                    <button type="button" onClick={() => void revoke(key)}>
                      Revoke
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
