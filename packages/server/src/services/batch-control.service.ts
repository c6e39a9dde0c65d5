import type { Db } from '../db/connect.ts';
import type { BatchStatus } from '../db/tables/projects_batches.ts';
import type { Caller } from './account.service.ts';
import type { TaskLifecycle } from './task-lifecycle.ts';
import type { BatchService } from './batch.service.ts';
import { BatchRepository, type Batch } from '../repositories/batch.repository.ts';
import { Conflict, InvalidRequest } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isPlainObject, readBoolean, readIndexedString, readString } from '../domain/lenient.ts';
import { readCallbackTarget } from '../domain/callback-target.ts';
import { deepMerge } from '../domain/deep-merge.ts';
import { decodePageToken, encodePageToken } from './v2-page.ts';
import { readProjectRef, type V2Ref, type V2References } from './v2-references.ts';

export interface V2BatchListQuery {
  project: V2Ref;
  status?: BatchStatus;
  createdFrom?: number;
  createdTo?: number;
  completedFrom?: number;
  completedTo?: number;
  limit: number;
  nextToken?: string;
}

/** A pause, resume or cancel: the batch as it now stands and a sentence saying what happened. */
export interface BatchOperationResult {
  batch: Batch;
  message: string;
}

/**
 * The v2 batch rules (contract 9.2, 9.4): create by project id or name with `staging_batch`,
 * strict finalize, pause, resume and cancel, metadata with merge, and keyset batch lists. Batches
 * are the same rows v1 reads, so a v2-cancelled batch shows `cancelled` in v1 too.
 *
 * Pausing only records the status: the work queue hands out no task of a batch that is not
 * `in_progress`, so the tasks that have not started are held without touching them, and resuming
 * releases them the same way.
 */
export class BatchControlService {
  constructor(
    private readonly db: Db,
    private readonly batches: BatchRepository,
    private readonly references: V2References,
    private readonly lifecycle: TaskLifecycle,
    /** Called after a commit that may have queued a batch callback. */
    private readonly notifyWork: () => void,
    /** v1 batch rules, whose creation path v2 shares. */
    private readonly batchCreation: BatchService,
  ) {}

  /** `GET /v2/batch`: by `batch_id` or `batch_name`; 404 when unknown. */
  get(caller: Caller, ref: V2Ref): Promise<Batch> {
    return this.references.batch(caller, ref);
  }

  /** `GET /v2/batches`: newest first, by keyset; `nextToken` is undefined on the last page. */
  async list(caller: Caller, query: V2BatchListQuery): Promise<{ batches: Batch[]; nextToken?: string }> {
    const token = decodePageToken(query.nextToken, { c: 'time', i: 'id' });
    const project = await this.references.optionalProject(caller, query.project);
    const rows = await this.batches.listAfter(
      caller.account.id,
      caller.environment,
      {
        projectId: project?.id,
        status: query.status,
        createdFrom: query.createdFrom,
        createdTo: query.createdTo,
        completedFrom: query.completedFrom,
        completedTo: query.completedTo,
      },
      { limit: query.limit + 1, after: token && { createdAt: token.c as number, id: token.i as string } },
    );
    const batches = rows.slice(0, query.limit);
    const last = batches.at(-1);
    const nextToken = rows.length > query.limit && last ? encodePageToken({ c: last.created_at, i: last.id }) : undefined;
    return { batches, nextToken };
  }

  /**
   * `POST /v2/batch`: `staging` when `staging_batch` is true or the project is Studio or Rapid,
   * otherwise `in_progress` (contract 9.4); 409 when the name is taken.
   */
  async create(caller: Caller, body: Record<string, unknown>): Promise<Batch> {
    const name = readIndexedString(body.name, 'name');
    if (!name || name.trim() === '') throw new InvalidRequest("Missing required parameter 'name': the batch's name.");
    const callback = readCallbackTarget(body.callback, 'callback');
    const staging = readBoolean(body.staging_batch, 'staging_batch') ?? false;
    if (body.metadata !== undefined && body.metadata !== null && !isPlainObject(body.metadata)) {
      throw new InvalidRequest("Invalid value for 'metadata': expected a JSON object.");
    }
    const project = await this.references.project(caller, readProjectRef(body), 'invalid');
    return this.batchCreation.insertBatch(caller, project, {
      name,
      callback: callback ?? null,
      metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
      calibration: false,
      selfLabel: false,
      staging,
    });
  }

  /**
   * `POST /v2/batch/finalize`: `staging` to `in_progress`, and work starts; 400 from any other
   * state (v1 finalize instead answers 200 and does nothing). A batch whose tasks all finished
   * while it was staging (test mode) completes at once.
   */
  async finalize(caller: Caller, ref: V2Ref): Promise<Batch> {
    const batch = await this.references.batch(caller, ref);
    await this.transition(batch, ['staging'], 'in_progress', (status) =>
      `Batch "${batch.name}" cannot be finalized: its status is ${status}. Only a staging batch can be finalized.`,
    );
    return this.reread(caller, batch);
  }

  /** `POST /v2/batch/pause`: `in_progress` to `paused`; its tasks that have not started are held. */
  async pause(caller: Caller, ref: V2Ref): Promise<BatchOperationResult> {
    const batch = await this.references.batch(caller, ref);
    await this.transition(batch, ['in_progress'], 'paused', (status) =>
      `Batch "${batch.name}" cannot be paused: its status is ${status}. Only an in_progress batch can be paused.`,
    );
    return {
      batch: await this.reread(caller, batch),
      message: `Batch "${batch.name}" is paused: its tasks that have not started are held until it is resumed. Tasks a labeler had already started can still be finished.`,
    };
  }

  /** `POST /v2/batch/resume`: `paused` to `in_progress`; held tasks are released. A cancelled batch can never be resumed. */
  async resume(caller: Caller, ref: V2Ref): Promise<BatchOperationResult> {
    const batch = await this.references.batch(caller, ref);
    await this.transition(batch, ['paused'], 'in_progress', (status) =>
      status === 'cancelled'
        ? `Batch "${batch.name}" cannot be resumed: it is cancelled, and a cancelled batch can never be resumed.`
        : `Batch "${batch.name}" cannot be resumed: its status is ${status}. Only a paused batch can be resumed.`,
    );
    const resumed = await this.reread(caller, batch);
    const message =
      resumed.status === 'completed'
        ? `Batch "${batch.name}" was resumed and is completed: every one of its tasks had already finished.`
        : `Batch "${batch.name}" is resumed: its held tasks are released to labelers.`;
    return { batch: resumed, message };
  }

  /**
   * `POST /v2/batch/cancel`: from `staging`, `in_progress` or `paused` to `cancelled`; every task of
   * the batch that no labeler has started becomes `canceled`, in one statement. Tasks already being
   * worked on are left to finish. 400 from `completed` or `cancelled`.
   */
  async cancel(caller: Caller, ref: V2Ref): Promise<BatchOperationResult> {
    const batch = await this.references.batch(caller, ref);
    const canceled = await this.lifecycle.transaction(this.db.kysely, async (trx) => {
      const batches = new BatchRepository(trx);
      await batches.lock(batch.id, this.db.dialect.forUpdate);
      const current = await batches.findById(batch.account_id, batch.environment, batch.id);
      const status = current?.status ?? batch.status;
      if (!(await batches.setStatus(batch.id, 'cancelled', Date.now(), { from: ['staging', 'in_progress', 'paused'] }))) {
        throw new InvalidRequest(`Batch "${batch.name}" cannot be cancelled: its status is ${status}. A completed or cancelled batch cannot be cancelled.`);
      }
      return this.lifecycle.cancelUnstartedTasksInBatch(trx, batch.id);
    });
    const cancelled = await this.reread(caller, batch);
    const started = (await this.batches.statusCounts(batch.id)).pending;
    const message =
      `Batch "${batch.name}" is cancelled: ${plural(canceled, 'task that had not started was', 'tasks that had not started were')} canceled` +
      (started > 0 ? `; ${plural(started, 'task a labeler had already started', 'tasks labelers had already started')} can still be finished.` : '.');
    return { batch: cancelled, message };
  }

  /** `POST /v2/batch/metadata`: replaces the metadata, or with `merge` deep-merges into it (contract 9.3). */
  async setMetadata(caller: Caller, ref: V2Ref, metadata: Record<string, unknown>, merge: boolean): Promise<Batch> {
    const batch = await this.references.batch(caller, ref);
    await this.lifecycle.transaction(this.db.kysely, async (trx) => {
      const batches = new BatchRepository(trx);
      await batches.lock(batch.id, this.db.dialect.forUpdate);
      const current = await batches.findById(batch.account_id, batch.environment, batch.id);
      const next = merge ? deepMerge(current?.metadata ?? {}, metadata) : metadata;
      await batches.setMetadata(batch.id, next, Date.now());
    });
    return this.reread(caller, batch);
  }

  /**
   * Moves the batch from one of `from` to `to` under its lock, or throws the 400 `refuse` words
   * for the state it is in. Entering `in_progress` completes a batch whose tasks had all finished.
   */
  private async transition(batch: Batch, from: BatchStatus[], to: BatchStatus, refuse: (status: BatchStatus) => string): Promise<void> {
    if (!from.includes(batch.status)) throw new InvalidRequest(refuse(batch.status));
    await this.lifecycle.transaction(this.db.kysely, async (trx) => {
      const batches = new BatchRepository(trx);
      await batches.lock(batch.id, this.db.dialect.forUpdate);
      if (!(await batches.setStatus(batch.id, to, Date.now(), { from }))) {
        const current = await batches.findById(batch.account_id, batch.environment, batch.id);
        throw new InvalidRequest(refuse(current?.status ?? batch.status));
      }
      if (to === 'in_progress') await this.lifecycle.completeBatchIfFinished(trx, batch);
    });
    if (to === 'in_progress') this.notifyWork();
  }

  /** The batch as stored after a change committed. */
  private async reread(caller: Caller, batch: Batch): Promise<Batch> {
    return (await this.batches.findById(caller.account.id, caller.environment, batch.id)) ?? batch;
  }
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
