import type { AppApi } from './client.ts';
import type { UserRole } from './types.ts';
import type {
  ApiKey,
  AuditRequest,
  BatchPage,
  DeliveryLog,
  FullTask,
  LabelerStats,
  ProjectProgress,
  QueuedDelivery,
  TaskBrowserPage,
  TaskBrowserQuery,
  TaskDetail,
  TeamResponse,
  Throughput,
  ThroughputQuery,
} from './dashboard-types.ts';

/** A query string of the defined values (lists as comma lists), with its leading `?`, or ''. */
function queryString(values: Record<string, string | number | string[] | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    query.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

const id = encodeURIComponent;

/** The manager dashboard's calls, one method per endpoint of docs/app-api.md (Dashboard); sent through AppApi (session cookie, CSRF header). */
export class DashboardApi {
  constructor(private readonly api: AppApi) {}

  async projects(): Promise<ProjectProgress[]> {
    return (await this.api.request<{ projects: ProjectProgress[] }>('GET', '/dashboard/projects')).projects;
  }

  batches(query: { project?: string; status?: string; limit?: number; offset?: number } = {}): Promise<BatchPage> {
    return this.api.request('GET', `/dashboard/batches${queryString(query)}`);
  }

  throughput(query: ThroughputQuery = {}): Promise<Throughput> {
    return this.api.request('GET', `/dashboard/throughput${queryString({ ...query })}`);
  }

  tasks(query: TaskBrowserQuery = {}): Promise<TaskBrowserPage> {
    return this.api.request('GET', `/dashboard/tasks${queryString({ ...query })}`);
  }

  task(taskId: string): Promise<TaskDetail> {
    return this.api.request('GET', `/dashboard/tasks/${id(taskId)}`);
  }

  async audit(taskId: string, body: AuditRequest): Promise<FullTask> {
    return (await this.api.request<{ task: FullTask }>('POST', `/dashboard/tasks/${id(taskId)}/audit`, body)).task;
  }

  async labelers(query: { project?: string; start_time?: string; end_time?: string } = {}): Promise<LabelerStats[]> {
    return (await this.api.request<{ labelers: LabelerStats[] }>('GET', `/dashboard/labelers${queryString(query)}`)).labelers;
  }

  deliveries(taskId: string, nextToken?: string): Promise<DeliveryLog> {
    return this.api.request('GET', `/tasks/${id(taskId)}/deliveries${queryString({ next_token: nextToken })}`);
  }

  async redeliver(taskId: string): Promise<QueuedDelivery> {
    return (await this.api.request<{ delivery: QueuedDelivery }>('POST', `/tasks/${id(taskId)}/deliveries/redeliver`)).delivery;
  }

  teammates(): Promise<TeamResponse> {
    return this.api.request('GET', '/admin/teammates');
  }

  /** Invites teammates and, in the same step, assigns them to `projects` (names). */
  invite(emails: string[], role: UserRole, projects: string[] = []): Promise<TeamResponse> {
    return this.api.request('POST', '/admin/teammates/invite', { emails, team_role: role, ...(projects.length > 0 ? { projects } : {}) });
  }

  reinvite(email: string): Promise<TeamResponse> {
    return this.api.request('POST', '/admin/teammates/reinvite', { email });
  }

  setRole(emails: string[], role: UserRole): Promise<TeamResponse> {
    return this.api.request('POST', '/admin/teammates/set_role', { emails, team_role: role });
  }

  /** Lifts a teammate's sign-in lock-out. */
  unlock(email: string): Promise<TeamResponse> {
    return this.api.request('POST', '/admin/teammates/unlock', { email });
  }

  /** A one-time link (in `invitations`) with which a teammate who has signed up chooses a new password. */
  resetPassword(email: string): Promise<TeamResponse> {
    return this.api.request('POST', '/admin/teammates/reset_password', { email });
  }

  async keys(): Promise<ApiKey[]> {
    return (await this.api.request<{ keys: ApiKey[] }>('GET', '/admin/keys')).keys;
  }

  /** Issues a key; `apiKey` is the key itself, which the server never shows again. */
  async createKey(environment: 'live' | 'test', label?: string): Promise<{ key: ApiKey; apiKey: string }> {
    const body = await this.api.request<{ key: ApiKey; api_key: string }>('POST', '/admin/keys', { environment, label });
    return { key: body.key, apiKey: body.api_key };
  }

  async revokeKey(keyId: string): Promise<ApiKey[]> {
    return (await this.api.request<{ keys: ApiKey[] }>('POST', `/admin/keys/${id(keyId)}/revoke`)).keys;
  }
}
