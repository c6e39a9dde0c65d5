import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { TeamPage } from '../../src/dashboard/TeamPage.tsx';
import { counts, fakeServer } from './fake-server.ts';

const project = (name: string, archived = false) => ({ id: `p-${name}`, name, type: 'imageannotation', created_at: '2026-01-01T00:00:00.000Z', archived, counts: counts(1, 0) });
const person = (id: string, email: string) => ({ id, email, role: 'labeler', signed_up: true, created_at: '2026-01-01T00:00:00.000Z' });

/** A team of three with the Studio assignments API behind it, as the server keeps them. */
function teamServer() {
  const assigned = new Map<string, string[]>([
    ['ana@example.com', []],
    ['ben@example.com', ['cats']],
    ['cy@example.com', []],
  ]);
  const answer = () => ({ teammates: [...assigned].map(([email, projects], index) => ({ id: `u${index}`, email, role: 'labeler', projects: [...projects].sort() })) });
  const server = fakeServer({
    'GET /admin/teammates': () => ({ teammates: [person('u0', 'ana@example.com'), person('u1', 'ben@example.com'), person('u2', 'cy@example.com')] }),
    'GET /dashboard/projects': () => ({ projects: [project('cats'), project('dogs'), project('birds'), project('old', true)] }),
    'GET /studio/assignments': answer,
    'POST /studio/assignments/add': (call) => {
      const { emails, projects } = call.body as { emails: string[]; projects: string[] };
      for (const email of emails) assigned.set(email, [...new Set([...(assigned.get(email) ?? []), ...projects])]);
      return answer();
    },
    'POST /studio/assignments/remove': (call) => {
      const { emails, projects } = call.body as { emails: string[]; projects: string[] };
      for (const email of emails) assigned.set(email, (assigned.get(email) ?? []).filter((name) => !projects.includes(name)));
      return answer();
    },
    'POST /admin/teammates/invite': (call) => {
      const { emails, projects = [] } = call.body as { emails: string[]; projects?: string[] };
      for (const email of emails) assigned.set(email, projects);
      return {
        teammates: [...assigned.keys()].map((email, index) => ({ ...person(`u${index}`, email), signed_up: email.startsWith('dee') ? false : true })),
        invitations: emails.map((email) => ({ email, role: 'labeler', token: 't', invite_path: '/ui/#/accept-invite?token=t', invite_url: 'https://label.example.com/ui/#/accept-invite?token=t', expires_at: '2026-01-08T00:00:00.000Z' })),
      };
    },
  });
  return { ...server, assigned };
}

const projectsCell = (email: string) => within(screen.getByText(email).closest('tr')!).getByTestId('teammate-projects').textContent;

describe('TeamPage projects', () => {
  it('assigns several teammates to several projects in one request', async () => {
    const server = teamServer();
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    await screen.findByText('ana@example.com');
    expect(await screen.findByText('cats', { selector: 'td' })).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Select ana@example.com'));
    fireEvent.click(screen.getByLabelText('Select cy@example.com'));
    const bar = screen.getByRole('group', { name: 'Assign projects' });
    // Archived projects are not offered.
    expect(within(bar).queryByLabelText('old')).toBeNull();
    fireEvent.click(within(bar).getByLabelText('dogs'));
    fireEvent.click(within(bar).getByLabelText('birds'));
    await act(async () => fireEvent.click(within(bar).getByRole('button', { name: 'Assign to 2 projects' })));

    const writes = server.calls.filter((call) => call.method === 'POST');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ path: '/studio/assignments/add', body: { emails: ['ana@example.com', 'cy@example.com'], projects: ['dogs', 'birds'] } });
    expect(projectsCell('ana@example.com')).toBe('birds, dogs');
    expect(projectsCell('cy@example.com')).toBe('birds, dogs');
    expect(projectsCell('ben@example.com')).toBe('cats');
    expect(screen.getByRole('status').textContent).toBe('Assigned 2 teammates to 2 projects.');
  });

  it('removes everyone selected from the chosen projects in one request', async () => {
    const server = teamServer();
    server.assigned.set('ana@example.com', ['cats', 'dogs']);
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    await screen.findByText('cats, dogs');
    fireEvent.click(screen.getByLabelText('Select everyone'));
    const bar = screen.getByRole('group', { name: 'Assign projects' });
    fireEvent.click(within(bar).getByLabelText('cats'));
    await act(async () => fireEvent.click(within(bar).getByRole('button', { name: 'Remove from them' })));
    expect(server.calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([{ emails: ['ana@example.com', 'ben@example.com', 'cy@example.com'], projects: ['cats'] }]);
    expect(projectsCell('ana@example.com')).toBe('dogs');
    expect(projectsCell('ben@example.com')).toBe('none');
  });

  it('invites with the projects chosen in the invite form and shows the full accept link', async () => {
    const server = teamServer();
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    const form = await screen.findByRole('form', { name: 'Invite teammates' });
    fireEvent.change(within(form).getByLabelText('Emails'), { target: { value: 'dee@example.com' } });
    fireEvent.click(await within(form).findByLabelText('cats'));
    fireEvent.click(within(form).getByLabelText('dogs'));
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Invite' })));
    expect(server.calls.find((call) => call.method === 'POST')!.body).toEqual({ emails: ['dee@example.com'], team_role: 'labeler', projects: ['cats', 'dogs'] });
    expect(screen.getByRole('status', { name: 'Invitation links' }).textContent).toContain('https://label.example.com/ui/#/accept-invite?token=t');
    expect(await screen.findByText('cats, dogs')).toBeTruthy();
  });
});
