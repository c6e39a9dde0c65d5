import { describe, expect, it } from 'vitest';
import { errorResponse, fakeServer } from '../dashboard/fake-server.ts';

const session = (token: string) => ({ user: { id: 'u1', email: 'ana@example.com', role: 'manager' }, csrfToken: token, account: { id: 'a1', name: 'acme' }, expires_at: '2030-01-01T00:00:00.000Z' });

describe('AppApi CSRF header', () => {
  it('sends the token from sign-in on every write and never on reads', async () => {
    const server = fakeServer({
      'POST /session/login': () => session('token-1'),
      'GET /queue/projects': () => ({ projects: [] }),
      'POST /leases/l1/release': () => ({}),
    });
    await server.api.login({ email: 'ana@example.com', password: 'secret secret' });
    await server.api.queueProjects();
    await server.api.releaseLease('l1');
    const [login, read, write] = server.calls;
    expect(login.headers['x-csrf-token']).toBeUndefined();
    expect(read.headers['x-csrf-token']).toBeUndefined();
    expect(write.headers['x-csrf-token']).toBe('token-1');
    expect(write.headers['Content-Type']).toBe('application/json');
  });

  it('keeps the token from the session check and from accepting an invitation', async () => {
    const server = fakeServer({
      'GET /session': () => session('from-session'),
      'POST /session/accept-invite': () => session('from-invite'),
      'POST /dashboard/tasks/t1/audit': () => ({ task: { task_id: 't1' } }),
    });
    await server.api.session();
    await server.dashboard.audit('t1', { result: 'accepted' });
    expect(server.calls.at(-1)!.headers['x-csrf-token']).toBe('from-session');
    await server.api.acceptInvite({ token: 'invite', password: 'long enough password' });
    await server.dashboard.audit('t1', { result: 'accepted' });
    expect(server.calls.at(-1)!.headers['x-csrf-token']).toBe('from-invite');
  });

  it('repeats a write refused with 403 once, with the token of the current session', async () => {
    let audits = 0;
    const server = fakeServer({
      'POST /session/login': () => session('old'),
      'GET /session': () => session('new'),
      'POST /dashboard/tasks/t1/audit': (call) => {
        audits += 1;
        return call.headers['x-csrf-token'] === 'new' ? { task: { task_id: 't1' } } : errorResponse(403, "Missing or wrong 'x-csrf-token' header");
      },
    });
    await server.api.login({ email: 'ana@example.com', password: 'secret secret' });
    await expect(server.dashboard.audit('t1', { result: 'accepted' })).resolves.toEqual({ task_id: 't1' });
    expect(audits).toBe(2);
  });

  it('does not repeat a 403 for a missing role', async () => {
    const server = fakeServer({
      'POST /session/login': () => session('same'),
      'GET /session': () => session('same'),
      'POST /admin/keys': () => errorResponse(403, 'This action needs one of the roles admin; you are signed in as manager.'),
    });
    await server.api.login({ email: 'ana@example.com', password: 'secret secret' });
    await expect(server.dashboard.createKey('live')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('roles admin') });
    expect(server.calls.filter((call) => call.path === '/admin/keys')).toHaveLength(1);
  });
});
