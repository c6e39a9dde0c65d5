import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StudioPage } from '../../src/dashboard/StudioPage.tsx';
import { moveItem } from '../../src/dashboard/studio/PriorityOrder.tsx';
import { TeamPage } from '../../src/dashboard/TeamPage.tsx';
import { StudioApi, type AssignedTeammate, type ProjectGroup, type StudioBatch } from '../../src/api/studio.ts';
import { counts, errorResponse, fakeServer } from './fake-server.ts';

const project = (name: string, studio = true) => ({ id: `p-${name}`, name, type: 'imageannotation', created_at: '2026-01-01T00:00:00.000Z', archived: false, counts: counts(1, 0), studio });
const teammate = (email: string, role: AssignedTeammate['role'], projects: string[]): AssignedTeammate => ({ id: `u-${email}`, email, role, projects });
const batch = (name: string, projectName: string, extra: Partial<StudioBatch> = {}): StudioBatch => ({
  id: `b-${name}`, name, project: projectName, project_id: `p-${projectName}`, status: 'in_progress', total: 10, completed: 4, groups: [], created_at: '2026-01-01T00:00:00.000Z', ...extra,
});
const group = (name: string, workers: string[]): ProjectGroup => ({
  id: `g-${name}`, name, num_workers: workers.length, is_singleton: false, created_at: '2026-01-01T00:00:00.000Z', workers: workers.map((email) => ({ id: `u-${email}`, email })),
});

function studioServer(routes: Parameters<typeof fakeServer>[0] = {}) {
  let team = [teammate('lee@example.com', 'labeler', ['streets']), teammate('sam@example.com', 'labeler', []), teammate('mia@example.com', 'manager', [])];
  const server = fakeServer({
    'GET /dashboard/projects': () => ({ projects: [project('streets'), project('pets', false)] }),
    'GET /studio/assignments': () => ({ teammates: team }),
    'POST /studio/assignments/add': (call) => {
      const { emails, projects } = call.body as { emails: string[]; projects: string[] };
      team = team.map((entry) => (emails.includes(entry.email) ? { ...entry, projects: [...entry.projects, ...projects].sort() } : entry));
      return { teammates: team };
    },
    'POST /studio/assignments/remove': (call) => {
      const { emails, projects } = call.body as { emails: string[]; projects: string[] };
      team = team.map((entry) => (emails.includes(entry.email) ? { ...entry, projects: entry.projects.filter((name) => !projects.includes(name)) } : entry));
      return { teammates: team };
    },
    'GET /studio/projects/streets/groups': () => ({ groups: [group('night shift', ['lee@example.com'])] }),
    'GET /studio/projects/pets/groups': () => ({ groups: [] }),
    'GET /studio/batches': () => ({ batches: [batch('w1', 'streets'), batch('w2', 'streets'), batch('p1', 'pets')] }),
    ...routes,
  });
  return { ...server, studio: new StudioApi(server.api) };
}

afterEach(() => {
  window.location.hash = '';
  vi.restoreAllMocks();
});

describe('StudioPage', () => {
  it("lists the project's assigned teammates and assigns and removes them", async () => {
    const server = studioServer();
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    const table = await screen.findByRole('table', { name: 'Assigned teammates' });
    await within(table).findByText('lee@example.com');
    expect(within(table).getByText('night shift')).toBeTruthy();
    expect(within(table).queryByText('sam@example.com')).toBeNull();

    fireEvent.change(screen.getByLabelText('Teammate to assign'), { target: { value: 'sam@example.com' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Assign' })));
    expect(server.calls.find((call) => call.path === '/studio/assignments/add')!.body).toEqual({ emails: ['sam@example.com'], projects: ['streets'] });
    await within(table).findByText('sam@example.com');
    expect(screen.getByRole('status').textContent).toBe('Assigned sam@example.com to streets.');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Remove lee@example.com from streets' })));
    expect(server.calls.find((call) => call.path === '/studio/assignments/remove')!.body).toEqual({ emails: ['lee@example.com'], projects: ['streets'] });
    await waitFor(() => expect(within(table).queryByText('lee@example.com')).toBeNull());
    // Removing someone also takes them out of the project's groups, so the groups are read again.
    expect(server.calls.filter((call) => call.path === '/studio/projects/streets/groups').length).toBeGreaterThanOrEqual(2);
  });

  it("shows the server's message when a change is refused", async () => {
    const server = studioServer({
      'POST /studio/projects/streets/groups': () => errorResponse(409, 'A group named "night shift" already exists in project "streets".'),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    fireEvent.change(await screen.findByLabelText('New group name'), { target: { value: 'night shift' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create group' })));
    expect((await screen.findByRole('alert')).textContent).toBe('A group named "night shift" already exists in project "streets".');
  });

  it('creates a group and adds and removes its workers', async () => {
    const server = studioServer({
      'POST /studio/projects/streets/groups': (call) => ({ group: group((call.body as { name: string }).name, []) }),
      'PUT /studio/projects/streets/groups/day%20shift': (call) => ({ group: group('day shift', (call.body as { add_emails?: string[] }).add_emails ?? []) }),
      'PUT /studio/projects/streets/groups/night%20shift': () => ({ group: group('night shift', []) }),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    fireEvent.change(await screen.findByLabelText('New group name'), { target: { value: 'day shift' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create group' })));
    expect(server.calls.find((call) => call.method === 'POST' && call.path === '/studio/projects/streets/groups')!.body).toEqual({ name: 'day shift', emails: [] });

    const day = await screen.findByRole('group', { name: 'Group day shift' });
    await act(async () => fireEvent.click(within(day).getByRole('button', { name: 'Add' })));
    expect(server.calls.find((call) => call.method === 'PUT' && call.path === '/studio/projects/streets/groups/day%20shift')!.body).toEqual({ add_emails: ['lee@example.com'] });
    await within(screen.getByRole('group', { name: 'Group day shift' })).findByText('lee@example.com');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Remove lee@example.com from group night shift' })));
    expect(server.calls.find((call) => call.path === '/studio/projects/streets/groups/night%20shift')!.body).toEqual({ remove_emails: ['lee@example.com'] });
  });

  it('renames a group in place, and the batches it works show the new name', async () => {
    const server = studioServer({
      'GET /studio/batches': () => ({ batches: [batch('w1', 'streets', { groups: ['night shift'] }), batch('p1', 'pets')] }),
      'PATCH /studio/projects/streets/groups/night%20shift': (call) => ({ group: { ...group((call.body as { name: string }).name, ['lee@example.com']), id: 'g-night shift' } }),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    const table = await screen.findByRole('table', { name: 'Studio batches of streets' });
    await within(table).findByText('w1');
    fireEvent.click(await screen.findByRole('button', { name: 'Rename group night shift' }));
    const input = screen.getByLabelText('New name for night shift') as HTMLInputElement;
    expect(input.value).toBe('night shift');
    fireEvent.change(input, { target: { value: ' late shift ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save name' })));

    expect(server.calls.find((call) => call.method === 'PATCH')!.body).toEqual({ name: 'late shift' });
    expect(screen.getByRole('status').textContent).toBe('Renamed group night shift to late shift.');
    const renamed = screen.getByRole('group', { name: 'Group late shift' });
    expect(within(renamed).getByText('lee@example.com')).toBeTruthy();
    const row = within(table).getByText('w1').closest('tr')!;
    expect((within(row).getByRole('checkbox', { name: 'late shift' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByRole('group', { name: 'Group night shift' })).toBeNull();
  });

  it("keeps the rename form open with the server's message when the name is taken", async () => {
    const server = studioServer({
      'PATCH /studio/projects/streets/groups/night%20shift': () => errorResponse(409, 'A group named "day shift" already exists in project "streets".'),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename group night shift' }));
    fireEvent.change(screen.getByLabelText('New name for night shift'), { target: { value: 'day shift' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save name' })));
    expect((await screen.findByRole('alert')).textContent).toBe('A group named "day shift" already exists in project "streets".');
    expect((screen.getByLabelText('New name for night shift') as HTMLInputElement).value).toBe('day shift');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Rename group night shift' })).toBeTruthy();
    expect(server.calls.filter((call) => call.method === 'PATCH')).toHaveLength(1);
  });

  it('deletes a group only after confirming, and shows why when the server refuses', async () => {
    const refusal = 'Group "night shift" cannot be deleted: batch "w1" is still assigned to it, and deleting it would open that batch to every labeler of project "streets". Take the group off that batch first.';
    let refuse = true;
    const server = studioServer({
      'DELETE /studio/projects/streets/groups/night%20shift': () => (refuse ? errorResponse(409, refusal) : { groups: [] }),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete group night shift' }));
    expect(confirm).toHaveBeenCalledWith('Delete group night shift? Its worker stays assigned to streets.');
    expect(server.calls.some((call) => call.method === 'DELETE')).toBe(false);

    confirm.mockReturnValue(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete group night shift' })));
    expect((await screen.findByRole('alert')).textContent).toBe(refusal);
    expect(screen.getByRole('group', { name: 'Group night shift' })).toBeTruthy();

    refuse = false;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete group night shift' })));
    expect(screen.getByRole('status').textContent).toBe('Deleted group night shift.');
    expect(screen.queryByRole('group', { name: 'Group night shift' })).toBeNull();
    expect(screen.getByText('No groups in this project.')).toBeTruthy();
    const deletes = server.calls.filter((call) => call.method === 'DELETE');
    expect(deletes).toHaveLength(2);
    expect(deletes[0].headers['Content-Type']).toBe('application/json');
  });

  it("ticks a group to give it one of the project's Studio batches", async () => {
    const server = studioServer({ 'PUT /studio/batches/w2': () => ({ batch: batch('w2', 'streets', { groups: ['night shift'] }) }) });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    const table = await screen.findByRole('table', { name: 'Studio batches of streets' });
    const row = (await within(table).findByText('w2')).closest('tr')!;
    expect(within(table).queryByText('p1')).toBeNull();
    await act(async () => fireEvent.click(within(row).getByRole('checkbox', { name: 'night shift' })));
    expect(server.calls.find((call) => call.method === 'PUT')!.body).toEqual({ groups: ['night shift'] });
    expect((within(row).getByRole('checkbox', { name: 'night shift' }) as HTMLInputElement).checked).toBe(true);
  });

  it('says that a project outside Studio has no Studio batches', async () => {
    const server = studioServer();
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="pets" />);
    expect(await screen.findByText(/pets is not a Studio project/)).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Studio batches of pets' })).toBeNull();
  });

  it('reorders every Studio batch with the arrows or a typed place, saves the whole order, and resets it', async () => {
    const server = studioServer({
      'POST /studio/batches/set_priorities': (call) => ({
        batches: (call.body as { batches: Array<{ name: string }> }).batches.map(({ name }, index) => batch(name, name.startsWith('p') ? 'pets' : 'streets', { studio_priority: index + 1 })),
      }),
      'POST /studio/batches/reset_priorities': () => ({ batches: [batch('w1', 'streets'), batch('w2', 'streets'), batch('p1', 'pets')] }),
    });
    render(<StudioPage dashboard={server.dashboard} studio={server.studio} project="streets" />);
    const table = await screen.findByRole('table', { name: 'Priority order' });
    await within(table).findByText('p1');
    const names = () => [...table.querySelectorAll('tbody tr')].map((row) => row.getAttribute('data-batch'));
    expect(names()).toEqual(['w1', 'w2', 'p1']);
    expect((screen.getByRole('button', { name: 'Save order' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Move w2 up' }));
    expect(names()).toEqual(['w2', 'w1', 'p1']);
    const place = screen.getByLabelText('Place of p1');
    fireEvent.change(place, { target: { value: '1' } });
    fireEvent.keyDown(place, { key: 'Enter' });
    expect(names()).toEqual(['p1', 'w2', 'w1']);

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save order' })));
    expect(server.calls.find((call) => call.path === '/studio/batches/set_priorities')!.body).toEqual({ batches: [{ name: 'p1' }, { name: 'w2' }, { name: 'w1' }] });
    expect(screen.getByRole('status').textContent).toBe('Saved the priority order.');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reset to oldest first' })));
    expect(server.calls.some((call) => call.path === '/studio/batches/reset_priorities' && call.method === 'POST')).toBe(true);
    expect(names()).toEqual(['w1', 'w2', 'p1']);
  });

  it('moves an item within a list, clamping the target place', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 9)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 1, -3)).toEqual(['b', 'a', 'c']);
  });
});

describe('TeamPage lock-outs and password resets', () => {
  const base = { role: 'labeler', signed_up: true, created_at: '2026-01-01T00:00:00.000Z' };

  it('shows a locked-out teammate with until when, and unlocks them', async () => {
    const locked = { ...base, id: 'u1', email: 'lee@example.com', locked_until: '2026-01-01T10:15:00.000Z' };
    const server = fakeServer({
      'GET /admin/teammates': () => ({ teammates: [locked] }),
      'POST /admin/teammates/unlock': () => ({ teammates: [{ ...locked, locked_until: undefined }] }),
    });
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    const row = (await screen.findByText('lee@example.com')).closest('tr')!;
    expect(within(row).getByText(/^locked until/).getAttribute('title')).toBe('2026-01-01T10:15:00.000Z');
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Unlock lee@example.com' })));
    expect(server.calls.find((call) => call.method === 'POST')!.body).toEqual({ email: 'lee@example.com' });
    expect(within(screen.getByText('lee@example.com').closest('tr')!).queryByRole('button', { name: /Unlock/ })).toBeNull();
    expect(screen.getByText('lee@example.com').closest('tr')!.textContent).toContain('active');
  });

  it('makes a one-time password-reset link after confirming, and shows it once', async () => {
    const member = { ...base, id: 'u2', email: 'rae@example.com', role: 'member' };
    const server = fakeServer({
      'GET /admin/teammates': () => ({ teammates: [member] }),
      'POST /admin/teammates/reset_password': () => ({
        teammates: [{ ...member, password_reset_expires_at: '2026-01-02T00:00:00.000Z' }],
        invitations: [{ email: 'rae@example.com', role: 'member', token: 'tok', invite_path: '/ui/#/accept-invite?token=tok&reset=1', expires_at: '2026-01-02T00:00:00.000Z', purpose: 'password_reset' }],
      }),
    });
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    fireEvent.click(await screen.findByRole('button', { name: 'Reset the password of rae@example.com' }));
    expect(server.calls.some((call) => call.method === 'POST')).toBe(false);
    confirm.mockReturnValue(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reset the password of rae@example.com' })));
    expect(server.calls.find((call) => call.method === 'POST')!.body).toEqual({ email: 'rae@example.com' });
    const links = screen.getByRole('status', { name: 'Invitation links' });
    expect(links.textContent).toContain('rae@example.com (password reset)');
    expect(links.textContent).toContain(`${window.location.origin}/ui/#/accept-invite?token=tok&reset=1`);
    expect(screen.getByText('rae@example.com').closest('tr')!.textContent).toContain('reset link open until');
  });
});
