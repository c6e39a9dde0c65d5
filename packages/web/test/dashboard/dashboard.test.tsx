import { beforeAll, afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { OverviewPage } from '../../src/dashboard/OverviewPage.tsx';
import { TaskBrowser } from '../../src/dashboard/TaskBrowser.tsx';
import { TaskDetailPage } from '../../src/dashboard/TaskDetailPage.tsx';
import { LabelerStatsPage } from '../../src/dashboard/LabelerStatsPage.tsx';
import { TeamPage } from '../../src/dashboard/TeamPage.tsx';
import { KeysPage } from '../../src/dashboard/KeysPage.tsx';
import { DashboardPage } from '../../src/dashboard/DashboardPage.tsx';
import { niceCeiling } from '../../src/dashboard/ThroughputChart.tsx';
import type { TaskDetail } from '../../src/api/dashboard-types.ts';
import { counts, fakeServer } from './fake-server.ts';
import { preloadLazyParts } from '../../src/lazy-part.tsx';
import { nextPaint, paintableCanvas, paintedShapes } from '../workbench/painted-canvas.ts';

// Editors, previews and the Markdown renderer load their code on first render (lazy-part.tsx);
// fetched up front here, the components render at once, as after their first use in the app.
beforeAll(() => preloadLazyParts());

const PROJECT = { id: 'p1', name: 'kittens', type: 'imageannotation', created_at: '2026-01-01T00:00:00.000Z', archived: false, counts: counts(6, 3, 1) };
const THROUGHPUT = {
  bucket: 'day',
  start_time: '2026-01-01T00:00:00.000Z',
  end_time: '2026-01-04T00:00:00.000Z',
  points: [
    { start: '2026-01-01T00:00:00.000Z', completed: 0 },
    { start: '2026-01-02T00:00:00.000Z', completed: 4 },
    { start: '2026-01-03T00:00:00.000Z', completed: 7 },
  ],
};

const IMAGE_TASK: TaskDetail = {
  task: {
    task_id: 'task-1',
    type: 'imageannotation',
    status: 'completed',
    work_state: 'completed',
    project: 'kittens',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    completed_at: '2026-01-01T00:05:00.000Z',
    params: { attachment: 'https://cdn.example.com/cat.jpg', geometries: { box: { objects_to_annotate: ['cat', 'dog'] } } },
    callback_url: 'https://receiver.example/hook',
    response: {
      annotations: [
        { uuid: 'b1', type: 'box', label: 'cat', left: 10, top: 10, width: 50, height: 40, attributes: {} },
        { uuid: 'b2', type: 'box', label: 'dog', left: 100, top: 60, width: 30, height: 30, attributes: {} },
      ],
      global_attributes: {},
    },
    metadata: {},
  },
  attempts: [
    { id: 'a1', kind: 'label', user_id: 'u1', email: 'lee@example.com', round: 0, attempt_no: 1, started_at: '2026-01-01T00:00:00.000Z', submitted_at: '2026-01-01T00:03:00.000Z', time_spent_secs: 180, response: { annotations: [] } },
    { id: 'a2', kind: 'review', user_id: 'u2', email: 'rae@example.com', round: 0, started_at: '2026-01-01T00:04:00.000Z', submitted_at: '2026-01-01T00:05:00.000Z', time_spent_secs: 60, result: 'accepted' },
  ],
};

afterEach(() => {
  window.location.hash = '';
  vi.restoreAllMocks();
});

describe('OverviewPage', () => {
  it('shows each project with a progress bar and expands it to its batches', async () => {
    const server = fakeServer({
      'GET /dashboard/projects': () => ({ projects: [PROJECT] }),
      'GET /dashboard/throughput': () => THROUGHPUT,
      'GET /dashboard/batches': (call) => ({
        batches: [{ id: 'b1', name: `${call.query.get('project')}-may`, project: 'kittens', status: 'in_progress', created_at: '2026-01-01T00:00:00.000Z', counts: counts(1, 1) }],
        total: 1,
        limit: 25,
        offset: 0,
        has_more: false,
      }),
    });
    render(<OverviewPage dashboard={server.dashboard} />);
    const row = (await screen.findByText('kittens', { selector: 'strong' })).closest('tr')!;
    const meter = within(row).getByRole('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('4');
    expect(meter.getAttribute('aria-valuemax')).toBe('10');
    expect(within(row).getByText('3/10 done · 1 error')).toBeTruthy();
    expect((meter.querySelector('[data-status=completed]') as HTMLElement).style.width).toBe('30%');

    fireEvent.click(within(row).getByRole('button', { name: 'Batches' }));
    const batches = await screen.findByRole('table', { name: 'Batches of kittens' });
    expect(within(batches).getByText('kittens-may')).toBeTruthy();
    expect(server.calls.find((call) => call.path === '/dashboard/batches')!.query.get('project')).toBe('kittens');
  });

  it('draws one bar per throughput bucket and asks again per hour', async () => {
    const server = fakeServer({
      'GET /dashboard/projects': () => ({ projects: [PROJECT] }),
      'GET /dashboard/throughput': (call) => ({ ...THROUGHPUT, bucket: call.query.get('bucket') }),
    });
    render(<OverviewPage dashboard={server.dashboard} />);
    const chart = await screen.findByRole('img', { name: '11 tasks completed, per day' });
    const bars = [...chart.querySelectorAll('rect[data-completed]')];
    expect(bars.map((bar) => bar.getAttribute('data-completed'))).toEqual(['0', '4', '7']);
    // Heights are shares of a "nice" axis (10 for a maximum of 7) over the 160-unit plot.
    expect(bars.map((bar) => Number(bar.getAttribute('height')))).toEqual([0, 64, 112]);
    fireEvent.click(screen.getByRole('button', { name: 'Last 48 hours' }));
    await screen.findByRole('img', { name: '11 tasks completed, per hour' });
    const asked = server.calls.filter((call) => call.path === '/dashboard/throughput').at(-1)!;
    expect(asked.query.get('bucket')).toBe('hour');
    expect(asked.query.get('tz_offset_minutes')).toBe(String(-new Date().getTimezoneOffset()));
  });

  it('rounds the chart axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 48, 51, 999].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 50, 100, 1000]);
  });
});

describe('TaskBrowser', () => {
  const row = (id: string) => ({ task_id: id, type: 'imageannotation', status: 'pending', work_state: 'queued', project: 'kittens', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' });

  it('lists tasks with the given filters and loads the next keyset page on demand', async () => {
    const server = fakeServer({
      'GET /dashboard/projects': () => ({ projects: [PROJECT] }),
      'GET /dashboard/tasks': (call) =>
        call.query.get('next_token') === 'page-2' ? { tasks: [row('t3')], next_token: null } : { tasks: [row('t1'), row('t2')], next_token: 'page-2' },
    });
    render(<TaskBrowser dashboard={server.dashboard} filters={{ project: 'kittens', status: 'pending' }} />);
    await screen.findByText('t1');
    const first = server.calls.find((call) => call.path === '/dashboard/tasks')!;
    expect(Object.fromEntries(first.query)).toEqual({ project: 'kittens', status: 'pending', limit: '50' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('t3');
    expect(screen.getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('t1').closest('a')!.getAttribute('href')).toBe('#/dashboard/tasks/t1');
  });

  it('puts the chosen filters into the page address', async () => {
    const server = fakeServer({ 'GET /dashboard/projects': () => ({ projects: [PROJECT] }), 'GET /dashboard/tasks': () => ({ tasks: [], next_token: null }) });
    render(<TaskBrowser dashboard={server.dashboard} filters={{}} />);
    await screen.findByText('No tasks match.');
    await screen.findByRole('option', { name: 'kittens' });
    fireEvent.change(screen.getByLabelText('Project'), { target: { value: 'kittens' } });
    fireEvent.change(screen.getByLabelText('Stage'), { target: { value: 'review,reviewing' } });
    fireEvent.change(screen.getByLabelText('Task id or unique_id'), { target: { value: 's3://bucket/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(decodeURIComponent(window.location.hash)).toBe('#/dashboard/tasks?project=kittens&work_state=review,reviewing&q=s3://bucket/');
  });
});

describe('TaskDetailPage', () => {
  it('draws the response boxes read-only over the image and lists the work history', async () => {
    const server = fakeServer({ 'GET /dashboard/tasks/task-1': () => IMAGE_TASK, 'GET /tasks/task-1/deliveries': () => ({ attempts: [], next_token: null }) });
    render(<TaskDetailPage dashboard={server.dashboard} taskId="task-1" />);
    const preview = await screen.findByTestId('response-preview');
    const boxes = preview.querySelectorAll('g[data-shape-type=box]');
    expect([...boxes].map((box) => box.getAttribute('data-label'))).toEqual(['cat', 'dog']);
    const rect = boxes[0].querySelector('rect')!;
    expect([rect.getAttribute('x'), rect.getAttribute('y'), rect.getAttribute('width'), rect.getAttribute('height')]).toEqual(['10', '10', '50', '40']);
    expect(boxes[0].getAttribute('stroke')).not.toBe(boxes[1].getAttribute('stroke'));
    const history = screen.getByRole('region', { name: 'History' });
    expect(history.textContent).toContain('Labeled by lee@example.com');
    expect(history.textContent).toContain('Review: accepted by rae@example.com');
    // An attempt's own response can be shown in place of the current one.
    fireEvent.click(within(history).getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('heading', { name: /Response of lee@example.com/ })).toBeTruthy();
    expect(screen.getByTestId('response-preview').querySelectorAll('g[data-shape-type]')).toHaveLength(0);
  });

  it('sends an accept with the comment and shows the new review status', async () => {
    const server = fakeServer({
      'GET /dashboard/tasks/task-1': () => IMAGE_TASK,
      'GET /tasks/task-1/deliveries': () => ({ attempts: [], next_token: null }),
      'POST /dashboard/tasks/task-1/audit': (call) => ({ task: { ...IMAGE_TASK.task, customer_review_status: (call.body as { result: string }).result } }),
    });
    render(<TaskDetailPage dashboard={server.dashboard} taskId="task-1" />);
    fireEvent.change(await screen.findByLabelText('Audit comment'), { target: { value: 'Tight boxes' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Accept' })));
    const sent = server.calls.find((call) => call.method === 'POST')!.body as { time_spent_secs: number };
    expect(sent).toEqual({ result: 'accepted', comments: 'Tight boxes', time_spent_secs: expect.any(Number) });
    // The time from opening the task to the decision becomes the audit entry's audit_time_secs.
    expect(sent.time_spent_secs).toBeGreaterThanOrEqual(0);
    expect(await screen.findByText('accepted', { selector: 'strong' })).toBeTruthy();
  });

  it('fixes the response in the workbench editor and sends it as a fixed audit', async () => {
    const restoreCanvas = paintableCanvas();
    onTestFinished(restoreCanvas);
    const server = fakeServer({
      'GET /dashboard/tasks/task-1': () => IMAGE_TASK,
      'GET /tasks/task-1/deliveries': () => ({ attempts: [], next_token: null }),
      'POST /dashboard/tasks/task-1/audit': (call) => ({ task: { ...IMAGE_TASK.task, customer_review_status: 'fixed', response: (call.body as { response: unknown }).response } }),
    });
    render(<TaskDetailPage dashboard={server.dashboard} taskId="task-1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Fix response' }));
    const editor = screen.getByTestId('fix-editor');
    await nextPaint();
    expect(paintedShapes(editor).map((shape) => shape.type)).toEqual(['box', 'box']);
    await act(async () => fireEvent.click(within(editor).getByRole('button', { name: 'Save fix' })));
    const sent = server.calls.find((call) => call.method === 'POST')!.body as { result: string; response: { annotations: Array<{ uuid: string }> } };
    expect(sent.result).toBe('fixed');
    expect(typeof (sent as unknown as { time_spent_secs: unknown }).time_spent_secs).toBe('number');
    expect(sent.response.annotations.map((annotation) => annotation.uuid)).toEqual(['b1', 'b2']);
    expect(screen.queryByTestId('fix-editor')).toBeNull();
  });

  it('shows the callback delivery log and queues a redelivery', async () => {
    const server = fakeServer({
      'GET /dashboard/tasks/task-1': () => IMAGE_TASK,
      'GET /tasks/task-1/deliveries': () => ({
        attempts: [
          { id: 'd1', delivery_id: 'o1', attempt: 1, event: 'completed', target: 'https://receiver.example/hook', attempted_at: '2026-01-01T00:05:01.000Z', duration_ms: 12, succeeded: false, status_code: 500 },
        ],
        next_token: null,
      }),
      'POST /tasks/task-1/deliveries/redeliver': () => ({
        delivery: { id: 'o2', event: 'completed', target: 'https://receiver.example/hook', state: 'pending', attempts: 0, next_attempt_at: '2026-01-01T00:06:00.000Z', created_at: '2026-01-01T00:06:00.000Z' },
      }),
    });
    render(<TaskDetailPage dashboard={server.dashboard} taskId="task-1" />);
    const log = await screen.findByRole('table', { name: 'Delivery attempts' });
    expect(within(log).getByText('HTTP 500')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Redeliver' })));
    expect((await screen.findByRole('status')).textContent).toContain('Queued a new delivery of the completed callback');
    expect(server.calls.some((call) => call.method === 'POST' && call.path === '/tasks/task-1/deliveries/redeliver')).toBe(true);
  });

  it('shows a categorization response as the chosen category among the choices', async () => {
    const detail: TaskDetail = {
      task: { ...IMAGE_TASK.task, task_id: 'cat-1', type: 'categorization', params: { attachment: 'https://cdn.example.com/cat.jpg', attachment_type: 'image', categories: ['cat', 'dog'] }, response: { category: 'dog' } },
      attempts: [],
    };
    const server = fakeServer({ 'GET /dashboard/tasks/cat-1': () => detail, 'GET /tasks/cat-1/deliveries': () => ({ attempts: [], next_token: null }) });
    render(<TaskDetailPage dashboard={server.dashboard} taskId="cat-1" />);
    const list = await screen.findByRole('list', { name: 'Categories' });
    expect(list.querySelector('[data-chosen]')!.textContent).toContain('dog');
    expect(list.querySelectorAll('[data-chosen]')).toHaveLength(1);
  });
});

describe('LabelerStatsPage', () => {
  it("shows each labeler with mean time, gold accuracy, agreement, review outcomes and the customer's audits", async () => {
    const server = fakeServer({
      'GET /dashboard/projects': () => ({ projects: [PROJECT] }),
      'GET /dashboard/labelers': () => ({
        labelers: [
          { user_id: 'u1', email: 'lee@example.com', role: 'labeler', tasks_labeled: 12, reviews_done: 0, gold_answered: 4, review_outcomes: { accepted: 9, rejected: 1 }, customer_audits: { accepted: 5, rejected: 2, fixed: 1 }, mean_label_secs: 42.5, gold_accuracy: 0.75, agreement: 0.913, agreement_tasks: 6 },
          { user_id: 'u2', email: 'new@example.com', role: 'labeler', tasks_labeled: 0, reviews_done: 0, gold_answered: 0, review_outcomes: {}, customer_audits: {} },
        ],
      }),
    });
    render(<LabelerStatsPage dashboard={server.dashboard} />);
    const row = (await screen.findByText('lee@example.com')).closest('tr')!;
    expect([...row.querySelectorAll('td')].map((cell) => cell.textContent)).toEqual(['lee@example.com labeler', '12', '42.5 s', '75 %', '91 %', '9 / 1 / 0', '5 / 2 / 1', '0']);
    const idle = screen.getByText('new@example.com').closest('tr')!;
    expect(idle.textContent).toContain('–');
    expect(server.calls.find((call) => call.path === '/dashboard/labelers')!.query.get('start_time')).toMatch(/Z$/);
  });
});

describe('admin pages', () => {
  it('invites teammates and shows each one-time sign-up link', async () => {
    const teammate = { id: 'u9', email: 'ana@example.com', role: 'labeler', signed_up: false, created_at: '2026-01-01T00:00:00.000Z', invite_expires_at: '2026-01-08T00:00:00.000Z' };
    const server = fakeServer({
      'GET /admin/teammates': () => ({ teammates: [] }),
      'POST /admin/teammates/invite': () => ({
        teammates: [teammate],
        invitations: [{ email: 'ana@example.com', role: 'labeler', token: 'tok', invite_path: '/ui/#/accept-invite?token=tok', expires_at: '2026-01-08T00:00:00.000Z' }],
      }),
    });
    render(<TeamPage dashboard={server.dashboard} studio={server.studio} />);
    fireEvent.change(await screen.findByLabelText('Emails'), { target: { value: 'ana@example.com' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Invite' })));
    expect(server.calls.find((call) => call.method === 'POST')!.body).toEqual({ emails: ['ana@example.com'], team_role: 'labeler' });
    expect(screen.getByRole('status', { name: 'Invitation links' }).textContent).toContain(`${window.location.origin}/ui/#/accept-invite?token=tok`);
    expect(screen.getByRole('button', { name: 'New link' })).toBeTruthy();
  });

  it('shows a new API key once and lists only hints', async () => {
    const key = { id: 'k2', hint: 'live_abcd', environment: 'live', created_at: '2026-01-01T00:00:00.000Z', label: 'nightly' };
    const server = fakeServer({
      'GET /admin/keys': () => ({ keys: [{ id: 'k1', hint: 'live_0000', environment: 'live', created_at: '2026-01-01T00:00:00.000Z' }] }),
      'POST /admin/keys': () => ({ key, api_key: 'live_abcd0000000000000000000000000000' }),
      'POST /admin/keys/k1/revoke': () => ({ keys: [{ id: 'k1', hint: 'live_0000', environment: 'live', created_at: '2026-01-01T00:00:00.000Z', revoked_at: '2026-01-02T00:00:00.000Z' }, key] }),
    });
    render(<KeysPage dashboard={server.dashboard} />);
    await screen.findByText('live_0000…');
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'nightly' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create key' })));
    expect(screen.getByTestId('new-api-key').textContent).toBe('live_abcd0000000000000000000000000000');
    expect(screen.getByRole('table', { name: 'API keys' }).textContent).not.toContain('live_abcd0000000000000000000000000000');
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    await act(async () => fireEvent.click(within(screen.getByText('live_0000…').closest('tr')!).getByRole('button', { name: 'Revoke' })));
    expect(screen.getByText('live_0000…').closest('tr')!.textContent).toContain('revoked');
  });
});

describe('DashboardPage', () => {
  const user = (role: 'labeler' | 'manager' | 'admin') => ({ id: 'u', email: `${role}@example.com`, role });

  it('shows team and key pages to admins only', async () => {
    const server = fakeServer({ 'GET /dashboard/projects': () => ({ projects: [] }), 'GET /dashboard/throughput': () => ({ ...THROUGHPUT, points: [] }) });
    const { unmount } = render(<DashboardPage api={server.api} user={user('manager')} path="/dashboard" query={new URLSearchParams()} />);
    const nav = screen.getByRole('navigation', { name: 'Dashboard' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Overview', 'Tasks', 'Labelers', 'Queues', 'Studio']);
    unmount();
    render(<DashboardPage api={server.api} user={user('admin')} path="/dashboard/keys" query={new URLSearchParams()} />);
    expect(within(screen.getByRole('navigation', { name: 'Dashboard' })).getAllByRole('link').map((link) => link.textContent)).toContain('API keys');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('API keys');
  });

  it('shows labelers their work queues instead of the dashboard', async () => {
    const server = fakeServer({ 'GET /queue/projects': () => ({ projects: [{ name: 'kittens', type: 'imageannotation', waiting_label: 5, waiting_review: 2 }] }) });
    render(<DashboardPage api={server.api} user={user('labeler')} path="/dashboard" query={new URLSearchParams()} />);
    expect((await screen.findByText('5')).closest('a')!.getAttribute('href')).toBe('#/work?project=kittens');
    expect(screen.queryByRole('navigation', { name: 'Dashboard' })).toBeNull();
    expect(screen.queryByText('To review')).toBeNull();
    await waitFor(() => expect(server.calls.every((call) => !call.path.startsWith('/dashboard'))).toBe(true));
  });
});
