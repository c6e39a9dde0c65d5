import type {
  AcceptInviteRequest,
  Assignment,
  ErrorBody,
  ForgotPasswordRequest,
  ForgotPasswordResponse,
  LoginRequest,
  QueueNextResponse,
  WorkProgress,
  RecentSubmission,
  QueueProjectsResponse,
  RenewLeaseResponse,
  ReviewRequest,
  ReviewResponse,
  SaveDraftRequest,
  SaveDraftPartsRequest,
  SaveDraftPartsResponse,
  SaveDraftResponse,
  SessionResponse,
  SessionState,
  InvitationInfo,
  SkipRequest,
  SubmitRequest,
  SubmitResponse,
  WorkKind,
  ModelEndpointInfo,
  UploadedChatFile,
  GenerateRequest,
  GenerationSummary,
} from './types.ts';

/** An answer other than 2xx, carrying the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The error body's keys beside `status_code` and `error` (e.g. `locked_until` of a locked-out sign-in). */
    readonly details: Record<string, unknown> = {},
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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The header every cookie-authenticated write must carry (docs/auth-and-roles.md, CSRF protection). */
export const CSRF_HEADER = 'x-csrf-token';

/** The workbench's calls to the server, one method per endpoint of docs/app-api.md. */
export class AppApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  /** The session's CSRF token, from the last sign-in, invitation acceptance or session answer. */
  private csrfToken: string | null = null;

  constructor(options: AppApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /**
   * Sends one call to `/app/api<path>` and parses the JSON answer; a non-2xx answer becomes an
   * ApiError carrying the server's message. Writes carry the CSRF token. When a write is refused
   * with 403 and a fresh `GET /session` shows another token (the page outlived a sign-in in another
   * tab), it is sent once more with the new token.
   */
  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    if (method === 'GET') return this.send<T>(method, path, body);
    const sentToken = this.csrfToken;
    try {
      return await this.send<T>(method, path, body);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403 || path === '/session/logout') throw error;
      const refreshed = await this.session().catch(() => null);
      if (!refreshed || refreshed.csrfToken === sentToken) throw error;
      return this.send<T>(method, path, body);
    }
  }

  private async send<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    // Every write carries a JSON body and content type (a cross-site form cannot send that without a
    // CORS preflight) and the session's CSRF token, which another site cannot read.
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;
    }
    const response = await this.fetchImpl(`${this.baseUrl}/app/api${path}`, {
      method,
      credentials: 'same-origin',
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const { error, status_code: _status, ...details } = (parsed && typeof parsed === 'object' ? parsed : {}) as ErrorBody & Record<string, unknown>;
      throw new ApiError(response.status, error ?? `${method} ${path} failed with HTTP ${response.status}.`, details);
    }
    return parsed as T;
  }

  /** Keeps the CSRF token of a session answer for the writes that follow. */
  private remember(session: SessionResponse): SessionResponse {
    this.csrfToken = session.csrfToken ?? null;
    return session;
  }

  async login(credentials: LoginRequest): Promise<SessionResponse> {
    return this.remember(await this.request<SessionResponse>('POST', '/session/login', credentials));
  }

  /** Sets a password from an invitation token and signs in. */
  async acceptInvite(body: AcceptInviteRequest): Promise<SessionResponse> {
    return this.remember(await this.request<SessionResponse>('POST', '/session/accept-invite', body));
  }

  /** Asks for a password-reset link by mail; the answer is the same whatever the email (no session needed). */
  forgotPassword(body: ForgotPasswordRequest): Promise<ForgotPasswordResponse> {
    return this.request<ForgotPasswordResponse>('POST', '/session/forgot_password', body);
  }

  async logout(): Promise<Record<string, never>> {
    try {
      return await this.request<Record<string, never>>('POST', '/session/logout');
    } finally {
      this.csrfToken = null;
    }
  }

  /** Whether someone is signed in, answered with 200 either way (so a page load logs no failed request). */
  async sessionState(): Promise<SessionState> {
    const state = await this.request<SessionState>('GET', '/session/state');
    if (state.signed_in) this.remember(state);
    return state;
  }

  /** Who an invitation or password-reset link is for, before a password is chosen. */
  invitation(token: string): Promise<InvitationInfo> {
    return this.request('GET', `/session/invitation?token=${encodeURIComponent(token)}`);
  }

  /** The signed-in user; throws an ApiError with status 401 when nobody is. */
  async session(): Promise<SessionResponse> {
    return this.remember(await this.request<SessionResponse>('GET', '/session'));
  }

  queueProjects(): Promise<QueueProjectsResponse> {
    return this.request('GET', '/queue/projects');
  }

  /** `GET /tasks/:id/model-endpoints`: the model endpoints a chat task can ask (docs/chat.md). */
  async modelEndpoints(taskId: string): Promise<ModelEndpointInfo[]> {
    return (await this.request<{ endpoints: ModelEndpointInfo[] }>('GET', `/tasks/${encodeURIComponent(taskId)}/model-endpoints`)).endpoints;
  }

  /** `GET /tasks/:id/files/:file/preview?lease_id=`: where an image of a chat file answer can be shown from (a redirect to a signed link). */
  chatFilePreviewUrl(taskId: string, leaseId: string, fileId: string): string {
    return `${this.baseUrl}/app/api/tasks/${encodeURIComponent(taskId)}/files/${encodeURIComponent(fileId)}/preview?${new URLSearchParams({ lease_id: leaseId })}`;
  }

  /**
   * `POST /tasks/:id/files?lease_id=&key=`: uploads one file for a chat `file` question, calling
   * `onProgress` with the fraction sent (XMLHttpRequest: fetch reports no upload progress). `abort`
   * cancels it; a refused upload rejects with an ApiError carrying the server's message.
   */
  uploadChatFile(taskId: string, leaseId: string, key: string, file: File, onProgress: (fraction: number) => void): { done: Promise<UploadedChatFile>; abort: () => void } {
    const xhr = new XMLHttpRequest();
    const done = new Promise<UploadedChatFile>((resolve, reject) => {
      xhr.open('POST', `${this.baseUrl}/app/api/tasks/${encodeURIComponent(taskId)}/files?${new URLSearchParams({ lease_id: leaseId, key })}`);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json');
      if (this.csrfToken) xhr.setRequestHeader(CSRF_HEADER, this.csrfToken);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => {
        let parsed: (ErrorBody & Partial<UploadedChatFile>) | undefined;
        try {
          parsed = JSON.parse(xhr.responseText);
        } catch {
          parsed = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300 && parsed?.file) resolve(parsed as UploadedChatFile);
        else reject(new ApiError(xhr.status, parsed?.error ?? `The upload failed with HTTP ${xhr.status}.`));
      };
      xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted (network error).'));
      xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled.'));
      const body = new FormData();
      body.append('file', file, file.name);
      xhr.send(body);
    });
    return { done, abort: () => xhr.abort() };
  }

  /**
   * `POST /tasks/:id/generate`: asks a model endpoint for the next answer and calls `onToken` with
   * each piece as the server relays it (server-sent events); resolves with the `done` summary. A
   * refused request (no lease, unknown endpoint) rejects with an ApiError before any token.
   */
  async generate(taskId: string, body: GenerateRequest, onToken: (text: string) => void, signal?: AbortSignal): Promise<GenerationSummary> {
    const headers: Record<string, string> = { Accept: 'text/event-stream', 'Content-Type': 'application/json' };
    if (this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;
    const response = await this.fetchImpl(`${this.baseUrl}/app/api/tasks/${encodeURIComponent(taskId)}/generate`, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok || !response.body) {
      const text = await response.text();
      let message = `The model request failed with HTTP ${response.status}.`;
      try {
        message = (JSON.parse(text) as ErrorBody).error ?? message;
      } catch {
        // not JSON: keep the generic message
      }
      throw new ApiError(response.status, message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let summary: GenerationSummary | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const parsed = JSON.parse(data);
        if (event === 'token') onToken(parsed.text);
        else if (event === 'done') summary = parsed as GenerationSummary;
      }
    }
    if (!summary) throw new ApiError(502, 'The model answer ended before it was complete.');
    return summary;
  }

  /** Leases the next task to label or review, optionally within one project; with none, `empty` says why and whom to ask. */
  nextWork(kind: WorkKind, project?: string): Promise<QueueNextResponse> {
    const query = new URLSearchParams({ kind });
    if (project) query.set('project', project);
    return this.request<QueueNextResponse>('GET', `/queue/next?${query}`);
  }

  /** How many tasks the caller submitted since `since` (the start of their day), in all projects and in `project`. */
  progress(kind: WorkKind, since: Date, project?: string): Promise<WorkProgress> {
    const query = new URLSearchParams({ kind, since: since.toISOString() });
    if (project) query.set('project', project);
    return this.request<WorkProgress>('GET', `/queue/progress?${query}`);
  }

  /** Leases the next task to label or review, optionally within one project; null when none wait. */
  async nextAssignment(kind: WorkKind, project?: string): Promise<Assignment | null> {
    return (await this.nextWork(kind, project)).assignment;
  }


  saveDraft(taskId: string, body: SaveDraftRequest): Promise<SaveDraftResponse> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/draft`, body);
  }

  /** Saves only the changed parts of a draft (docs/app-api.md). */
  saveDraftParts(taskId: string, body: SaveDraftPartsRequest): Promise<SaveDraftPartsResponse> {
    return this.request('PATCH', `/tasks/${encodeURIComponent(taskId)}/draft`, body);
  }

  submit(taskId: string, body: SubmitRequest): Promise<SubmitResponse> {
    return this.request('POST', `/tasks/${encodeURIComponent(taskId)}/submit`, body);
  }

  /** The caller's label submissions within the reopen window, newest first, each saying whether it can still be reopened. */
  async recentSubmissions(limit = 5): Promise<RecentSubmission[]> {
    return (await this.request<{ submissions: RecentSubmission[] }>('GET', `/queue/recent?limit=${limit}`)).submissions;
  }

  /**
   * Takes back the caller's own submission while nobody has acted on it: a new lease with the
   * submitted response as draft (409 naming why when it can no longer be reopened).
   */
  async reopen(taskId: string): Promise<Assignment> {
    return (await this.request<{ assignment: Assignment }>('POST', `/tasks/${encodeURIComponent(taskId)}/reopen`)).assignment;
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
