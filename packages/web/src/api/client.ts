import type {
  Assignment,
  ErrorBody,
  LoginRequest,
  QueueNextResponse,
  QueueProjectsResponse,
  RenewLeaseResponse,
  ReviewRequest,
  ReviewResponse,
  SaveDraftRequest,
  SaveDraftResponse,
  SessionResponse,
  SkipRequest,
  SubmitRequest,
  SubmitResponse,
  WorkKind,
} from './types.ts';

/** An answer other than 2xx, carrying the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is gone (sign in again). */
  get isUnauthenticated(): boolean {
    return this.status === 401;
  }

  /** The lease was lost: it expired and someone else may hold the task now. */
  get isLeaseLost(): boolean {
    return this.status === 409 || this.status === 410;
  }
}

export interface AppApiOptions {
  /** Origin and prefix; defaults to the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The workbench's calls to the server, one method per endpoint of docs/app-api.md. */
export class AppApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: AppApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    // Every POST carries a JSON body and content type: a cross-site form cannot send that
    // without a CORS preflight, which is what keeps cookie sessions safe from CSRF.
    const response = await this.fetchImpl(`${this.baseUrl}/app/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: method === 'POST' ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const message = (parsed as ErrorBody | undefined)?.error ?? `${method} ${path} failed with HTTP ${response.status}.`;
      throw new ApiError(response.status, message);
    }
    return parsed as T;
  }

  login(credentials: LoginRequest): Promise<SessionResponse> {
    return this.request('POST', '/session/login', credentials);
  }

  logout(): Promise<Record<string, never>> {
    return this.request('POST', '/session/logout');
  }

  /** The signed-in user; throws an ApiError with status 401 when nobody is. */
  session(): Promise<SessionResponse> {
    return this.request('GET', '/session');
  }

  queueProjects(): Promise<QueueProjectsResponse> {
    return this.request('GET', '/queue/projects');
  }

  /** Leases the next task to label or review, optionally within one project; null when none wait. */
  async nextAssignment(kind: WorkKind, project?: string): Promise<Assignment | null> {
    const query = new URLSearchParams({ kind });
    if (project) query.set('project', project);
    const body = await this.request<QueueNextResponse>('GET', `/queue/next?${query}`);
    return body.assignment;
  }

  saveDraft(taskId: string, body: SaveDraftRequest): Promise<SaveDraftResponse> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/draft`, body);
  }

  submit(taskId: string, body: SubmitRequest): Promise<SubmitResponse> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/submit`, body);
  }

  skip(taskId: string, body: SkipRequest): Promise<Record<string, never>> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/skip`, body);
  }

  review(taskId: string, body: ReviewRequest): Promise<ReviewResponse> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/review`, body);
  }

  renewLease(leaseId: string): Promise<RenewLeaseResponse> {
    return this.request('POST', `/leases/${encodeURIComponent(leaseId)}/renew`);
  }

  /** Gives a task back to the queue without skipping it (the labeler left the page). */
  releaseLease(leaseId: string): Promise<Record<string, never>> {
    return this.request('POST', `/leases/${encodeURIComponent(leaseId)}/release`);
  }
}
