import type { Db } from '../db/connect.ts';
import type { FileService, StoredFile, UploadPart } from './file.service.ts';
import type { PublicUrl } from './public-url.ts';
import type { QueueService, Worker } from './queue.service.ts';
import type { ProjectRepository } from '../repositories/project.repository.ts';
import { TaskRepository, type Task } from '../repositories/task.repository.ts';
import { validateResponse } from './response-validation.ts';
import { DomainError, InvalidRequest, NotFound } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { mediaTypeAccepted, questionsOf, type AnswerFile } from '@tagwright/formats';

/** What the upload route answers: the entry to put in the answer's `value`, and a link to show it now. */
export interface UploadedAnswerFile {
  file: AnswerFile;
  file_id: string;
  /** A signed, time-limited link (no key needed) for the labeler's thumbnail; never stored in the answer. */
  preview_url: string;
}

type Json = Record<string, unknown>;

/**
 * Files a labeler attaches to a chat task's `file` questions (docs/chat.md, File questions). An
 * upload goes through FileService into the same store, under the same sniffing, and is recorded
 * as a file of the task's account and project; the answer stores its API URL
 * (`<public base>/v1/files/<id>/content`), which the customer reads with their API key. On submit
 * every such URL must name a ready file of the task's account and project; other http(s) URLs
 * only where the question says `allow_external_urls`.
 */
export class ChatFileService {
  private readonly tasks: TaskRepository;

  constructor(
    db: Db,
    private readonly projects: ProjectRepository,
    private readonly queue: QueueService,
    private readonly files: FileService,
    private readonly publicUrl: PublicUrl,
    private readonly limitBytes: number,
  ) {
    this.tasks = new TaskRepository(db.kysely, db.dialect);
  }

  /**
   * Streams one file for the `file` question `key` of a chat task whose lease `leaseId` the worker
   * holds. 404 when the task is not theirs to work on; 400 for a key that is not a file question or
   * a type it does not accept; 413 over TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES.
   */
  async upload(worker: Worker, taskId: string, leaseId: string | undefined, key: string | undefined, parts: AsyncIterable<UploadPart>): Promise<UploadedAnswerFile> {
    const task = await this.leasedChatTask(worker, taskId, leaseId);
    if (!key) throw new InvalidRequest("Missing required parameter 'key': the key of the file question the file answers (query string).");
    const question = questionsOf(task.params).find((entry) => entry.key === key && entry.type === 'file');
    if (!question) throw new InvalidRequest(`Invalid value for 'key': task ${taskId} has no file question with key "${key}".`);
    const project = await this.projects.findById(task.account_id, task.environment, task.project_id);
    const stored = await this.files.upload(worker.caller, parts, {
      limitBytes: this.limitBytes,
      limitSetting: 'TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES',
      projectNames: project ? [project.name] : [],
      vet: ({ mimeType }) => {
        if (!mediaTypeAccepted(mimeType, question.accept)) {
          throw new InvalidRequest(`The file is ${mimeType}; the question "${question.title ?? key}" accepts ${question.accept!.join(', ')}.`);
        }
      },
    });
    return { file: this.answerEntry(stored), file_id: stored.id, preview_url: await this.files.signedFileUrl(stored.id) };
  }

  /**
   * A signed link to show a file of the task's answer again (a draft restored after a reload holds
   * only the API URL): for the lease holder, a ready file of the task's account and project; 404 otherwise.
   */
  async previewLink(worker: Worker, taskId: string, leaseId: string | undefined, fileId: string): Promise<string> {
    const task = await this.leasedChatTask(worker, taskId, leaseId);
    const project = await this.projects.findById(task.account_id, task.environment, task.project_id);
    const file = await this.files.get(worker.caller, fileId).catch((error) => (error instanceof DomainError ? undefined : Promise.reject(error)));
    if (!file || file.state !== 'ready' || !project || !file.project_names.includes(project.name)) throw new NotFound(`No file ${fileId} in task ${taskId}'s project.`);
    return this.files.signedFileUrl(file.id);
  }

  /**
   * Checks the file URLs of a labeler's submission (the shape is checked by @tagwright/formats):
   * this server's file URLs must name a ready file of the task's account and project; any other URL
   * needs a question with `allow_external_urls`. 400 naming the path (`…value[i].url`).
   */
  async checkSubmission(worker: Worker, taskId: string, body: unknown): Promise<void> {
    const found = filledFileAnswers(body);
    // Responses without file answers (every other family, most chat tasks) cost no statement here.
    if (found.length === 0) return;
    const task = await this.tasks.findById(worker.caller.account.id, worker.caller.environment, taskId);
    // The submission itself answers for a missing task or a lease that is not the caller's.
    if (!task || !(CHAT_TASK_TYPES as readonly string[]).includes(task.type)) return;
    // The shape first (the submission checks it again), so a malformed entry is named as such.
    validateResponse(task.type, task.params, (body as { response: unknown }).response);
    const questions = questionsOf(task.params).filter((question) => question.type === 'file');
    // Every file URL of the submission is read in one query, however many answers and files it holds.
    const uploaded: { path: string; id: string }[] = [];
    for (const { path, annotation } of found) {
      const question = questions.find((entry) => entry.key === annotation.key);
      for (const [index, entry] of (annotation.value as unknown[]).entries()) {
        if (!isPlainObject(entry) || typeof entry.url !== 'string') continue;
        const urlPath = `${path}.value[${index}].url`;
        const id = this.fileIdOf(entry.url);
        if (id !== undefined) uploaded.push({ path: urlPath, id });
        else if (!question?.allow_external_urls) {
          throw new InvalidRequest(`Invalid value for '${urlPath}': attach files by uploading them (the url the upload answered); "${entry.url}" is not a file of this server, and the question does not allow external links.`);
        }
      }
    }
    if (uploaded.length === 0) return;
    const [project, files] = await Promise.all([
      this.projects.findById(task.account_id, task.environment, task.project_id),
      this.files.getMany(worker.caller, uploaded.map(({ id }) => id)),
    ]);
    for (const { path, id } of uploaded) {
      const file = files.get(id);
      if (!file || file.state !== 'ready' || !project || !file.project_names.includes(project.name)) {
        throw new InvalidRequest(`Invalid value for '${path}': no uploaded file ${id} belongs to this task's project; upload the file again.`);
      }
    }
  }

  /** The id of the file a URL of this server names (`<public base>/v1/files/<id>/content`), else undefined. */
  fileIdOf(url: string): string | undefined {
    const prefix = `${this.publicUrl.base}/v1/files/`;
    if (!url.startsWith(prefix)) return undefined;
    const match = /^([A-Za-z0-9_-]+)\/content$/.exec(url.slice(prefix.length));
    return match?.[1];
  }

  private answerEntry(file: StoredFile): AnswerFile {
    return {
      url: `${this.publicUrl.base}/v1/files/${file.id}/content`,
      mime_type: file.mime_type ?? 'application/octet-stream',
      name: file.display_name ?? file.id,
      file_size_in_bytes: file.size ?? 0,
    };
  }

  /** The task, when the worker holds `leaseId` on it and it is a chat task; 404 otherwise (whose tasks exist is not told). */
  private async leasedChatTask(worker: Worker, taskId: string, leaseId: string | undefined): Promise<Task> {
    if (!leaseId) throw new InvalidRequest("Missing required parameter 'lease_id': the lease of the task being worked on (query string).");
    const task = await this.tasks.findById(worker.caller.account.id, worker.caller.environment, taskId);
    const notYours = new NotFound(`No task ${taskId} under a lease ${leaseId} of yours: files can be attached only to a task you are working on.`);
    if (!task || !(CHAT_TASK_TYPES as readonly string[]).includes(task.type)) throw notYours;
    try {
      await this.queue.requireLease(worker, taskId, leaseId, Date.now());
    } catch (error) {
      if (error instanceof DomainError) throw notYours;
      throw error;
    }
    return task;
  }
}

/** The annotations of a submitted `{threads}` with their paths, at thread, turn, message and chunk level. */
function* fileAnnotations(response: Json): Generator<{ path: string; annotation: Json }> {
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  const own = function* (value: unknown, path: string) {
    for (const [index, annotation] of list(value).entries()) if (isPlainObject(annotation) && annotation.type === 'file') yield { path: `${path}[${index}]`, annotation };
  };
  for (const [t, thread] of list(response.threads).entries()) {
    if (!isPlainObject(thread)) continue;
    const threadPath = `response.threads[${t}]`;
    yield* own(thread.annotations, `${threadPath}.annotations`);
    for (const [u, turn] of list(thread.turns).entries()) {
      if (!isPlainObject(turn)) continue;
      const turnPath = `${threadPath}.turns[${u}]`;
      yield* own(turn.annotations, `${turnPath}.annotations`);
      for (const [m, message] of list(turn.messages).entries()) {
        if (!isPlainObject(message)) continue;
        const messagePath = `${turnPath}.messages[${m}]`;
        yield* own(message.annotations, `${messagePath}.annotations`);
        const content = isPlainObject(message.content) ? message.content : {};
        for (const [c, chunk] of list(content.chunks).entries()) if (isPlainObject(chunk)) yield* own(chunk.annotations, `${messagePath}.content.chunks[${c}].annotations`);
      }
    }
  }
}

/** True when checkSubmission has anything to check in this body (file answers with files): else it reads nothing and answers at once. */
export function submissionHasFiles(body: unknown): boolean {
  return filledFileAnswers(body).length > 0;
}

function filledFileAnswers(body: unknown) {
  if (!isPlainObject(body) || !isPlainObject(body.response)) return [];
  // File answers live only under `threads` (chat responses). Every other submission returns here,
  // before the walk's generators and closures: every label submission calls this (the route asks
  // submissionHasFiles first), and in the queue bench's CPU profile (PostgreSQL, paced) the walk
  // over a categorization response was 0.4-0.7 % of the server's busy samples (docs/work-queue.md).
  if (!Array.isArray(body.response.threads)) return [];
  return [...fileAnnotations(body.response)].filter(({ annotation }) => Array.isArray(annotation.value) && annotation.value.length > 0);
}
