import type { Db } from '../db/connect.ts';
import type { Caller } from './account.service.ts';
import type { ProjectRepository, Project } from '../repositories/project.repository.ts';
import type { QueueService, Worker } from './queue.service.ts';
import type { ModelClient, ModelMessage } from '../outbound/model-client.ts';
import { ChatModelRepository, type ModelEndpoint } from '../repositories/chat-model.repository.ts';
import { TaskRepository } from '../repositories/task.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { isPlainObject, objectBody, readString } from '../domain/lenient.ts';
import { newId } from '../domain/ids.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { MESSAGE_ROLES, type GenerationSummary } from '@tagwright/formats';

/** An endpoint name is the `source_id` of its answers: short, URL-safe, and not a role name. */
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const RESERVED_NAMES = new Set(['user', 'system', 'assistant', 'function']);
/** The parameters the v2 `model_parameters` can carry, with their JSON types (the client is strict). */
const RECORDED_PARAMETERS: Record<string, 'number' | 'integer'> = { temperature: 'number', max_completion_tokens: 'integer', top_p: 'number', top_k: 'integer' };
/** Largest conversation a labeler can send to a model, in messages. */
const MAX_MESSAGES = 2000;

/**
 * Model endpoints of chat projects (docs/chat.md, "Model endpoints"): managers name
 * OpenAI-compatible chat-completions endpoints per project (URL, model, server-held key,
 * parameters); a labeler holding a task's lease asks one for an answer, which is streamed to them
 * and recorded (model, parameters, output) so the completed task says which model said what.
 */
export class ChatModelService {
  private readonly repository: ChatModelRepository;
  private readonly tasks: TaskRepository;

  constructor(
    db: Db,
    private readonly projects: ProjectRepository,
    private readonly queue: QueueService,
    private readonly client: ModelClient,
  ) {
    this.repository = new ChatModelRepository(db.kysely);
    this.tasks = new TaskRepository(db.kysely, db.dialect);
  }

  /** Closes the model client's connections (server shutdown). */
  close(): Promise<void> {
    return this.client.close();
  }

  private async chatProject(caller: Caller, name: string): Promise<Project> {
    const project = await this.projects.findByName(caller.account.id, caller.environment, name);
    if (!project) throw new NotFound(`No project named "${name}" exists.`);
    if (!(CHAT_TASK_TYPES as readonly string[]).includes(project.type)) {
      throw new InvalidRequest(`Project "${name}" holds ${project.type} tasks; model endpoints belong to chat projects (${CHAT_TASK_TYPES.join(', ')}).`);
    }
    return project;
  }

  async list(caller: Caller, projectName: string): Promise<ModelEndpoint[]> {
    return this.repository.listForProject((await this.chatProject(caller, projectName)).id);
  }

  /** Creates or replaces an endpoint. `api_key` absent keeps the stored key; `null` removes it. */
  async put(caller: Caller, projectName: string, name: string, rawBody: unknown): Promise<ModelEndpoint> {
    const project = await this.chatProject(caller, projectName);
    if (!ENDPOINT_NAME.test(name) || RESERVED_NAMES.has(name)) {
      throw new InvalidRequest(`Invalid endpoint name "${name}": use letters, digits, _ . : - (up to 64), not a role name; it becomes the source_id of the model's answers.`);
    }
    const body = objectBody(rawBody);
    const url = readString(body.url, 'url')?.trim();
    if (!url) throw new InvalidRequest("Missing required parameter 'url': the chat-completions URL, e.g. https://api.example.com/v1/chat/completions.");
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidRequest(`Invalid value for 'url': "${url}" is not a URL.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidRequest("Invalid value for 'url': expected an http or https URL.");
    const model = readString(body.model, 'model')?.trim();
    if (!model) throw new InvalidRequest("Missing required parameter 'model': the model name the endpoint expects.");
    const parameters = body.parameters === undefined || body.parameters === null ? {} : body.parameters;
    if (!isPlainObject(parameters)) throw new InvalidRequest("Invalid value for 'parameters': expected an object such as {\"temperature\": 0.7}.");
    for (const [key, kind] of Object.entries(RECORDED_PARAMETERS)) {
      const value = parameters[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || (kind === 'integer' && !Number.isInteger(value))) {
        throw new InvalidRequest(`Invalid value for 'parameters.${key}': expected ${kind === 'integer' ? 'a whole number' : 'a number'}.`);
      }
    }
    for (const key of ['model', 'messages', 'stream']) {
      if (key in parameters) throw new InvalidRequest(`Invalid value for 'parameters.${key}': Tagwright sets ${key} itself.`);
    }
    if (body.api_key !== undefined && body.api_key !== null && typeof body.api_key !== 'string') throw new InvalidRequest("Invalid value for 'api_key': expected a string.");
    const now = Date.now();
    const existing = await this.repository.find(project.id, name);
    if (existing) {
      const apiKey = body.api_key === undefined ? existing.api_key : ((body.api_key as string | null) || null);
      await this.repository.update(existing.id, { url, model, api_key: apiKey, parameters, updated_at: now });
    } else {
      const position = (await this.repository.listForProject(project.id)).length;
      await this.repository.insert({
        id: newId(now),
        account_id: caller.account.id,
        environment: caller.environment,
        project_id: project.id,
        name,
        url,
        model,
        api_key: (body.api_key as string | undefined) || null,
        parameters,
        position,
        created_at: now,
        updated_at: now,
      });
    }
    return (await this.repository.find(project.id, name))!;
  }

  async remove(caller: Caller, projectName: string, name: string): Promise<void> {
    const project = await this.chatProject(caller, projectName);
    const endpoint = await this.repository.find(project.id, name);
    if (!endpoint) throw new NotFound(`Project "${projectName}" has no model endpoint named "${name}".`);
    await this.repository.delete(endpoint.id);
  }

  /** The endpoints a task's labeler may call: the task's `models` when it names some, else all of its project's. */
  async endpointsForTask(worker: Worker, taskId: string): Promise<ModelEndpoint[]> {
    const task = await this.tasks.findById(worker.caller.account.id, worker.caller.environment, taskId);
    if (!task) throw new NotFound(`No task with id "${taskId}" exists.`);
    const all = await this.repository.listForProject(task.project_id);
    const named = Array.isArray(task.params.models) ? (task.params.models as string[]) : undefined;
    return named ? named.map((name) => all.find((endpoint) => endpoint.name === name)).filter((endpoint): endpoint is ModelEndpoint => endpoint !== undefined) : all;
  }

  /**
   * Checks a labeler's request for a model answer (their lease on the task, the endpoint, the
   * conversation `messages`) and answers a `run` that calls the endpoint. Checking first lets the
   * route answer a plain 4xx before it starts streaming. `run` records the call before it starts
   * and finishes the record with its output, so a submitted message can name it (`generation_id`).
   */
  async prepareGeneration(worker: Worker, taskId: string, rawBody: unknown): Promise<{ run: (onToken: (text: string) => void, signal?: AbortSignal) => Promise<GenerationSummary> }> {
    const body = objectBody(rawBody);
    const leaseId = readString(body.lease_id, 'lease_id');
    if (!leaseId) throw new InvalidRequest("Missing required parameter 'lease_id': the lease of the task being worked on.");
    const endpointName = readString(body.endpoint, 'endpoint');
    if (!endpointName) throw new InvalidRequest("Missing required parameter 'endpoint': the name of one of the task's model endpoints.");
    const messages = readMessages(body.messages);
    await this.queue.requireLease(worker, taskId, leaseId, Date.now());
    const endpoint = (await this.endpointsForTask(worker, taskId)).find((candidate) => candidate.name === endpointName);
    if (!endpoint) throw new InvalidRequest(`Invalid value for 'endpoint': task ${taskId} has no model endpoint named "${endpointName}".`);
    return { run: (onToken, signal) => this.run(worker, taskId, endpoint, messages, onToken, signal) };
  }

  private async run(worker: Worker, taskId: string, endpoint: ModelEndpoint, messages: ModelMessage[], onToken: (text: string) => void, signal?: AbortSignal): Promise<GenerationSummary> {
    const now = Date.now();
    const generationId = `gen_${newId(now)}`;
    const recorded = recordedParameters(endpoint);
    await this.repository.insertGeneration({
      id: generationId,
      task_id: taskId,
      account_id: worker.caller.account.id,
      user_id: worker.userId ?? null,
      endpoint_id: endpoint.id,
      source_id: endpoint.name,
      model: endpoint.model,
      parameters: recorded,
      created_at: now,
    });
    const result = await this.client.complete({ url: endpoint.url, model: endpoint.model, apiKey: endpoint.api_key, parameters: endpoint.parameters }, messages, onToken, signal);
    // Recorded also when the labeler went away mid-answer (the call was aborted).
    await this.repository.finishGeneration(generationId, { output: result.text, status: result.ok ? 'done' : 'error', error: result.error ?? null, finished_at: Date.now() });
    const summary: GenerationSummary = { generation_id: generationId, source_id: endpoint.name, model_parameters: { model: endpoint.model, ...recorded }, text: result.text, ok: result.ok };
    if (result.error) summary.error = result.error;
    if (result.timedOut) summary.timed_out = true;
    return summary;
  }
}

/** The endpoint's parameters that v2 `model_parameters` carries (the rest are still sent to the model). */
function recordedParameters(endpoint: ModelEndpoint): Record<string, unknown> {
  return Object.fromEntries(Object.keys(RECORDED_PARAMETERS).filter((key) => endpoint.parameters[key] !== undefined).map((key) => [key, endpoint.parameters[key]]));
}

function readMessages(value: unknown): ModelMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRequest("Missing required parameter 'messages': the conversation so far, [{role, content}], ending with the user's message.");
  if (value.length > MAX_MESSAGES) throw new InvalidRequest(`Invalid value for 'messages': at most ${MAX_MESSAGES} messages.`);
  return value.map((message, index) => {
    if (!isPlainObject(message) || !(MESSAGE_ROLES as readonly unknown[]).includes(message.role) || typeof message.content !== 'string') {
      throw new InvalidRequest(`Invalid value for 'messages[${index}]': expected {role: ${MESSAGE_ROLES.join('|')}, content: string}.`);
    }
    return { role: message.role as ModelMessage['role'], content: message.content };
  });
}
