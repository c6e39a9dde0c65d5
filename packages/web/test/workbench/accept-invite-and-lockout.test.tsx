import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { AcceptInvitePage } from '../../src/workbench/AcceptInvitePage.tsx';
import { LoginPage } from '../../src/workbench/LoginPage.tsx';
import { fakeServer } from '../dashboard/fake-server.ts';

const INVITATION = { email: 'ana@example.com', team: 'Acme labeling', purpose: 'invite', expires_at: '2026-12-14T02:00:00.000Z', password_min_length: 12 };
const USER = { id: 'u1', email: 'ana@example.com', role: 'labeler' };

afterEach(() => {
  window.location.hash = '';
});

describe('The accept-invitation page', () => {
  it('names the email, the team and the password rule before the first attempt', async () => {
    const server = fakeServer({ 'GET /session/invitation': () => INVITATION });
    render(<AcceptInvitePage api={server.api} token="tok" onSignedIn={() => {}} />);
    const invitation = await screen.findByTestId('invitation');
    expect(invitation.textContent).toContain('Acme labeling');
    expect(invitation.textContent).toContain('ana@example.com');
    // The rule is the server's (12 here), not a copy in the page.
    expect(screen.getByTestId('password-rule').textContent).toContain('At least 12 characters');
    expect(server.calls[0].query.get('token')).toBe('tok');
    expect(server.calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('refuses a password under the rule without asking the server, then accepts one that keeps it', async () => {
    const server = fakeServer({ 'GET /session/invitation': () => INVITATION, 'POST /session/accept-invite': () => ({ user: USER, csrf_token: 'c', expires_at: INVITATION.expires_at }) });
    let signedIn: unknown;
    render(<AcceptInvitePage api={server.api} token="tok" onSignedIn={(user) => (signedIn = user)} />);
    await screen.findByTestId('invitation');
    for (const label of ['Password', 'Repeat password']) fireEvent.change(screen.getByLabelText(label), { target: { value: 'eleven char' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Set password and sign in' })));
    expect(screen.getByRole('alert').textContent).toBe('Choose a password of at least 12 characters (this one has 11).');
    expect(server.calls.some((call) => call.method === 'POST')).toBe(false);
    for (const label of ['Password', 'Repeat password']) fireEvent.change(screen.getByLabelText(label), { target: { value: 'twelve chars' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Set password and sign in' })));
    expect(server.calls.find((call) => call.method === 'POST')!.body).toMatchObject({ token: 'tok', password: 'twelve chars' });
    expect(signedIn).toEqual(USER);
  });

  it('says a used or expired link does not work and whom to ask, instead of a form that cannot succeed', async () => {
    const server = fakeServer({
      'GET /session/invitation': () => new Response(JSON.stringify({ status_code: 400, error: 'This invitation link is unknown, used or expired.' }), { status: 400 }),
    });
    render(<AcceptInvitePage api={server.api} token="old" onSignedIn={() => {}} />);
    expect((await screen.findByRole('alert')).textContent).toBe('This invitation link is unknown, used or expired.');
    expect(screen.getByText(/Ask the admin who sent it for a new link/)).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
  });
});

describe('The sign-in page after a lock-out', () => {
  it("shows the lock's end in the reader's own zone and in UTC, not as a raw timestamp", async () => {
    const until = '2026-12-07T02:15:00.000Z';
    const server = fakeServer({
      'POST /session/login': () =>
        new Response(JSON.stringify({ status_code: 401, error: `This account is locked until ${until} (UTC) after 5 failed sign-in attempts; try again then, or ask an admin to unlock it.`, locked_until: until }), { status: 401 }),
    });
    render(<LoginPage api={server.api} onSignedIn={() => {}} />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ana@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'not the one' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    const message = screen.getByRole('alert').textContent ?? '';
    expect(message).not.toContain(until);
    const local = new Date(until).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    expect(message).toContain(`locked until ${local}`);
    expect(message).toMatch(/\(02:15( AM)? UTC\)/);
    expect(message).toContain('ask an admin to unlock it');
  });
});
