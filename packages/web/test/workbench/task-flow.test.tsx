import { beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TaskView } from '../../src/workbench/TaskView.tsx';
import { WorkbenchPage } from '../../src/workbench/WorkbenchPage.tsx';
import { AppApi, ApiError } from '../../src/api/client.ts';
import type { Assignment, WorkKind } from '../../src/api/types.ts';
import { makeTask } from './helpers.tsx';
import { preloadLazyParts } from '../../src/lazy-part.tsx';

// Editors, previews and the Markdown renderer load their code on first render (lazy-part.tsx);
// fetched up front here, the components render at once, as after their first use in the app.
beforeAll(() => preloadLazyParts());

const CATEGORY_TASK = makeTask('categorization', { categories: ['cat', 'dog'] }, { instruction: 'Pick **one** animal.' });

function assignment(leaseId: string, task = CATEGORY_TASK): Assignment {
  return { lease: { lease_id: leaseId, task_id: task.task_id, kind: 'label', expires_at: new Date(Date.now() + 300_000).toISOString() }, task };
}

/** An AppApi whose methods are spies; unlisted calls fail loudly. */
function fakeApi(overrides: Partial<Record<keyof AppApi, unknown>>): AppApi {
  const api = new AppApi({ fetch: () => Promise.reject(new Error('unexpected network call')) });
  for (const [name, implementation] of Object.entries(overrides)) Object.assign(api, { [name]: implementation });
  // The page asks nextWork; tests that script nextAssignment get it through nextWork.
  const nextAssignment = overrides.nextAssignment as AppApi['nextAssignment'] | undefined;
  if (nextAssignment && !overrides.nextWork) Object.assign(api, { nextWork: async (kind: WorkKind, project?: string) => ({ assignment: await nextAssignment(kind, project) }) });
  return api;
}

afterEach(() => vi.useRealTimers());

describe('TaskView', () => {
  it('shows the instructions as markdown beside the task', () => {
    render(<TaskView task={CATEGORY_TASK} onSubmit={async () => {}} onSkip={async () => {}} />);
    expect(screen.getByRole('complementary', { name: 'Instructions' }).querySelector('strong')!.textContent).toBe('one');
  });

  it('lists problems instead of submitting an incomplete response', async () => {
    const onSubmit = vi.fn(async () => {});
    render(<TaskView task={CATEGORY_TASK} onSubmit={onSubmit} onSkip={async () => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('Choose a category.');
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.click(screen.getByLabelText(/cat/));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Submit' })));
    expect(onSubmit).toHaveBeenCalledWith({ category: 'cat' });
  });

  it('skips with the chosen reason and details', async () => {
    const onSkip = vi.fn(async () => {});
    render(<TaskView task={CATEGORY_TASK} onSubmit={async () => {}} onSkip={onSkip} />);
    fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    fireEvent.change(screen.getByLabelText(/Reason/), { target: { value: 'Image does not load' } });
    fireEvent.change(screen.getByPlaceholderText('Details (optional)'), { target: { value: '404' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Confirm skip' })));
    expect(onSkip).toHaveBeenCalledWith('Image does not load: 404');
  });

  it('autosaves a draft two seconds after the last change', async () => {
    vi.useFakeTimers();
    const onSaveDraft = vi.fn(async () => {});
    render(<TaskView task={CATEGORY_TASK} onSaveDraft={onSaveDraft} onSubmit={async () => {}} onSkip={async () => {}} />);
    fireEvent.click(screen.getByLabelText(/cat/));
    await act(async () => vi.advanceTimersByTime(1000));
    fireEvent.click(screen.getByLabelText(/dog/));
    await act(async () => vi.advanceTimersByTime(1999));
    expect(onSaveDraft).not.toHaveBeenCalled();
    await act(async () => vi.advanceTimersByTime(1));
    expect(onSaveDraft).toHaveBeenCalledTimes(1);
    expect(onSaveDraft).toHaveBeenCalledWith({ category: 'dog' });
    expect(screen.getByText('Draft saved')).toBeTruthy();
  });

  it('says when it cannot label a task type, and still offers skip', () => {
    render(<TaskView task={makeTask('lidarannotation', {})} onSubmit={async () => {}} onSkip={async () => {}} />);
    expect(screen.getByRole('alert').textContent).toMatch(/cannot label lidarannotation/);
    expect(screen.queryByRole('button', { name: 'Submit' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Skip' })).toBeTruthy();
  });
});

describe('TaskView guards against hasty answers', () => {
  it('preselects no skip reason, so Confirm skip waits until one is chosen', async () => {
    const onSkip = vi.fn(async () => {});
    render(<TaskView task={CATEGORY_TASK} onSubmit={async () => {}} onSkip={onSkip} />);
    fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    expect((screen.getByLabelText(/Reason/) as HTMLSelectElement).value).toBe('');
    const confirm = screen.getByRole('button', { name: 'Confirm skip' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/Reason/), { target: { value: 'Nothing to label' } });
    expect(confirm.disabled).toBe(false);
    await act(async () => fireEvent.click(confirm));
    expect(onSkip).toHaveBeenCalledWith('Nothing to label');
  });

  it('asks before submitting an image response with no annotations, and submits only when confirmed', async () => {
    const task = makeTask('imageannotation', { attachment: 'https://example.com/a.png', geometries: { box: { objects_to_annotate: ['car'] } } });
    const onSubmit = vi.fn(async () => {});
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    render(<TaskView task={task} onSubmit={onSubmit} onSkip={async () => {}} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Submit' })));
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(confirm.mock.calls[0][0]).toMatch(/no annotations/);
    expect(onSubmit).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Submit' })));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ annotations: [] }));
    confirm.mockRestore();
  });
});

describe('WorkbenchPage', () => {
  it('says why the queue is empty and whom to ask', async () => {
    const empty = { reason: 'no_projects' as const, message: 'You are not assigned to any project yet, so no task can reach you.', contacts: ['boss@example.com'], projects: [] };
    const api = fakeApi({ nextWork: vi.fn().mockResolvedValue({ assignment: null, empty }) });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    await screen.findByText(/not assigned to any project yet/);
    expect(screen.getByRole('link', { name: 'boss@example.com' }).getAttribute('href')).toBe('mailto:boss@example.com');
  });

  it('leases a task, submits with the lease id and moves on to the next', async () => {
    const nextAssignment = vi.fn().mockResolvedValueOnce(assignment('lease-1')).mockResolvedValueOnce(null);
    const submit = vi.fn(async () => ({ task_id: CATEGORY_TASK.task_id, next_state: 'completed' as const }));
    const api = fakeApi({ nextAssignment, submit, renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    fireEvent.click(await screen.findByLabelText(/dog/));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByText(/No tasks are waiting/);
    expect(submit).toHaveBeenCalledWith(CATEGORY_TASK.task_id, expect.objectContaining({ lease_id: 'lease-1', response: { category: 'dog' } }));
    expect(nextAssignment).toHaveBeenCalledWith('label', undefined);
  });

  it("confirms each submit on the next screen and shows the person's count for today, in the project too", async () => {
    const nextAssignment = vi.fn().mockResolvedValueOnce(assignment('lease-1')).mockResolvedValueOnce(assignment('lease-2', { ...CATEGORY_TASK, task_id: 'task-2' })).mockResolvedValueOnce(null);
    const submit = vi.fn(async () => ({ task_id: CATEGORY_TASK.task_id, next_state: 'completed' as const }));
    let done = 0;
    const progress = vi.fn(async (kind: WorkKind, since: Date, project?: string) => ({ kind, since: since.toISOString(), done, project: project ? { name: project, done } : undefined }));
    const api = fakeApi({ nextAssignment, submit, progress, renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="label" project="pets" onSignedOut={() => {}} />);
    await screen.findByLabelText(/dog/);
    expect((await screen.findByRole('status', { name: 'Your progress' })).textContent).toBe('Today: 0 done · 0 in pets');
    done = 1;
    fireEvent.click(screen.getByLabelText(/dog/));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Your progress' }).textContent).toBe(`✓ Submitted task ${CATEGORY_TASK.task_id}ReopenToday: 1 done · 1 in pets`));
    // The day is the reader's own: the count starts at their local midnight.
    const since = progress.mock.calls.at(-1)![1];
    expect([since.getHours(), since.getMinutes(), since.getSeconds()]).toEqual([0, 0, 0]);
    fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    fireEvent.change(screen.getByLabelText(/Reason/), { target: { value: 'Other' } });
    Object.assign(api, { skip: vi.fn(async () => ({})) });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm skip' }));
    await screen.findByText(/No tasks are waiting/);
    expect(screen.getByRole('status', { name: 'Your progress' }).textContent).toContain('✓ Skipped task task-2');
  });

  it('reopens the task just submitted with its answer as draft, resubmits it, and shows why when it can no longer be reopened', async () => {
    const nextAssignment = vi.fn().mockResolvedValueOnce(assignment('lease-1')).mockResolvedValue(null);
    const submit = vi.fn(async () => ({ task_id: CATEGORY_TASK.task_id, next_state: 'review' as const }));
    const reopened = { ...assignment('lease-2'), draft: { response: { category: 'dog' }, saved_at: '2026-01-01T00:00:00.000Z' } };
    const reopen = vi
      .fn()
      .mockResolvedValueOnce(reopened)
      .mockRejectedValueOnce(new ApiError(409, `A reviewer is reviewing task ${CATEGORY_TASK.task_id} now; it can no longer be reopened.`));
    const api = fakeApi({ nextAssignment, submit, reopen, progress: vi.fn().mockRejectedValue(new Error('no count')), renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    fireEvent.click(await screen.findByLabelText(/dog/));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByText(/No tasks are waiting/);

    fireEvent.click(screen.getByRole('button', { name: 'Reopen' }));
    await waitFor(() => expect((screen.getByLabelText(/dog/) as HTMLInputElement).checked).toBe(true));
    expect(reopen).toHaveBeenCalledWith(CATEGORY_TASK.task_id);
    expect(screen.getByRole('status', { name: 'Your progress' }).textContent).toContain(`✓ Reopened task ${CATEGORY_TASK.task_id}`);
    fireEvent.click(screen.getByLabelText(/cat/));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByText(/No tasks are waiting/);
    expect(submit).toHaveBeenLastCalledWith(CATEGORY_TASK.task_id, expect.objectContaining({ lease_id: 'lease-2', response: { category: 'cat' } }));

    fireEvent.click(screen.getByRole('button', { name: 'Reopen' }));
    expect((await screen.findByRole('alert')).textContent).toContain('A reviewer is reviewing task');
    expect(screen.getByText(/No tasks are waiting/)).toBeTruthy();
  });

  it('lists recent submissions with Reopen for those nobody acted on, and the reason word for the others', async () => {
    const recentSubmissions = vi.fn().mockResolvedValue([
      { task_id: 'task-old', project: 'pets', type: 'categorization', submitted_at: '2026-01-01T10:00:00.000Z', reopenable: true },
      { task_id: 'task-done', project: 'pets', type: 'categorization', submitted_at: '2026-01-01T09:00:00.000Z', reopenable: false, closed_because: 'delivered', reason: 'Task task-done is completed: its response has been delivered (callback sent), so it can no longer be reopened.' },
    ]);
    const reopened = { ...assignment('lease-9', { ...CATEGORY_TASK, task_id: 'task-old' }), draft: { response: { category: 'cat' }, saved_at: '2026-01-01T00:00:00.000Z' } };
    const reopen = vi.fn().mockResolvedValue(reopened);
    const api = fakeApi({ nextAssignment: vi.fn().mockResolvedValue(null), recentSubmissions, reopen, progress: vi.fn().mockRejectedValue(new Error('no count')), renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    const list = await screen.findByRole('region', { name: 'Recently submitted' });
    const closed = list.querySelector('[data-task-id="task-done"]')!;
    expect(closed.textContent).toContain('delivered');
    expect(closed.querySelector('[title]')!.getAttribute('title')).toContain('can no longer be reopened');
    expect(closed.querySelector('button')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reopen task task-old' }));
    await waitFor(() => expect((screen.getByLabelText(/cat/) as HTMLInputElement).checked).toBe(true));
    expect(reopen).toHaveBeenCalledWith('task-old');
    expect(screen.queryByRole('button', { name: 'Reopen task task-old' })).toBeNull();
  });

  it('offers no reopen after a review decision', async () => {
    const review = { ...assignment('lease-r'), lease: { ...assignment('lease-r').lease, kind: 'review' as const }, response: { category: 'cat' } };
    const api = fakeApi({ nextAssignment: vi.fn().mockResolvedValueOnce(review).mockResolvedValue(null), review: vi.fn(async () => ({ task_id: CATEGORY_TASK.task_id, next_state: 'completed' })), renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="review" onSignedOut={() => {}} />);
    // The editor loads in a chunk of its own: wait for it before deciding.
    await screen.findByLabelText(/cat/);
    fireEvent.click(screen.getByRole('button', { name: 'Save fix' }));
    await screen.findByText(/No tasks are waiting/);
    expect(screen.getByRole('status', { name: 'Your progress' }).textContent).toContain('✓ Fixed task');
    expect(screen.queryByRole('button', { name: 'Reopen' })).toBeNull();
  });

  it('starts from the saved draft of a leased task', async () => {
    const withDraft = { ...assignment('lease-2'), draft: { response: { category: 'dog' }, saved_at: '2026-01-01T00:00:00.000Z' } };
    const api = fakeApi({ nextAssignment: vi.fn().mockResolvedValue(withDraft), renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    expect(((await screen.findByLabelText(/dog/)) as HTMLInputElement).checked).toBe(true);
  });

  it('tells the labeler when the lease was lost on submit', async () => {
    const api = fakeApi({
      nextAssignment: vi.fn().mockResolvedValue(assignment('lease-3')),
      submit: vi.fn().mockRejectedValue(new ApiError(409, 'Lease lease-3 expired.')),
      renewLease: vi.fn(),
    });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={() => {}} />);
    fireEvent.click(await screen.findByLabelText(/cat/));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByRole('alert')).textContent).toContain('You no longer hold this task: Lease lease-3 expired.');
  });

  it('goes back to sign-in when the session has ended', async () => {
    const onSignedOut = vi.fn();
    const api = fakeApi({ nextAssignment: vi.fn().mockRejectedValue(new ApiError(401, 'Sign in first.')) });
    render(<WorkbenchPage api={api} kind="label" onSignedOut={onSignedOut} />);
    await waitFor(() => expect(onSignedOut).toHaveBeenCalled());
  });

  it('sends review decisions with the lease id', async () => {
    const reviewAssignment = { ...assignment('lease-4'), response: { category: 'cat' }, review_comments: ['Looks off'] };
    reviewAssignment.lease.kind = 'review';
    const review = vi.fn(async () => ({ task_id: CATEGORY_TASK.task_id, next_state: 'queued' as const }));
    const api = fakeApi({ nextAssignment: vi.fn().mockResolvedValueOnce(reviewAssignment).mockResolvedValue(null), review, renewLease: vi.fn() });
    render(<WorkbenchPage api={api} kind="review" onSignedOut={() => {}} />);
    expect(((await screen.findByLabelText(/cat/)) as HTMLInputElement).checked).toBe(true);
    fireEvent.change(screen.getByLabelText('Review comment'), { target: { value: 'Wrong animal' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    await screen.findByText(/No tasks are waiting/);
    expect(review).toHaveBeenCalledWith(CATEGORY_TASK.task_id, expect.objectContaining({ lease_id: 'lease-4', result: 'rejected', comments: 'Wrong animal' }));
  });
});

describe('AppApi', () => {
  it('posts JSON with the session cookie and turns error bodies into ApiError', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (url.endsWith('/submit')) return new Response(JSON.stringify({ status_code: 409, error: 'Lease expired.' }), { status: 409 });
      return new Response(JSON.stringify({ assignment: null }), { status: 200 });
    });
    const api = new AppApi({ fetch: fetch as unknown as typeof globalThis.fetch });
    expect(await api.nextAssignment('label', 'kittens')).toBeNull();
    expect(calls[0].url).toBe('/app/api/queue/next?kind=label&project=kittens');
    const failure = await api.submit('t 1', { lease_id: 'l1', response: {}, time_spent_secs: 3 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).isLeaseLost).toBe(true);
    expect((failure as ApiError).message).toBe('Lease expired.');
    expect(calls[1].url).toBe('/app/api/tasks/t%201/submit');
    expect(calls[1].init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ lease_id: 'l1', response: {}, time_spent_secs: 3 });
  });
});
