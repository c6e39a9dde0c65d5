import type { Db } from '../db/connect.ts';
import type { QualityTaskKind } from '../db/tables/quality_tasks.ts';
import type { Caller } from './account.service.ts';
import { QualityTaskRepository, type QualityTask } from '../repositories/quality-task.repository.ts';
import { Conflict, InvalidRequest } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { objectBody } from '../domain/lenient.ts';
import { buildTaskFields, chooseParamVersion, readPlacement, readUniqueId } from './task-input.ts';
import { prepareTaskParams, validateTaskParams } from './task-validation.ts';
import { readTaskType, type TaskService } from './task.service.ts';

/** Thrown inside the create transaction to roll it back; turned into the 409 afterwards. */
class DuplicateRefused extends Error {}

/**
 * Evaluation (gold, known answer) and training (onboarding) tasks (contract 4.5). They take the
 * same fields as customer tasks, with the same project resolution, inheritance and validation, but
 * are stored apart and never listed by `GET tasks`. Tagwright accepts them for any project.
 */
export class QualityTaskService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskService,
  ) {}

  private repository(trx = this.db.kysely): QualityTaskRepository {
    return new QualityTaskRepository(trx);
  }

  async create(caller: Caller, kind: QualityTaskKind, type: string, rawBody: unknown, options: { idempotencyKey?: string } = {}): Promise<QualityTask> {
    const taskType = readTaskType(type);
    const { expected_response: expected, initial_response: initial, ...body } = objectBody(rawBody);
    if (kind === 'evaluation' && (expected === undefined || expected === null)) {
      throw new InvalidRequest("Missing required parameter 'expected_response': the known correct response of this evaluation task.");
    }
    const placement = readPlacement(body);
    const uniqueId = readUniqueId(body.unique_id);
    const idempotencyKey = options.idempotencyKey?.trim() || undefined;
    await this.refuseDuplicates(caller, uniqueId, idempotencyKey);

    const { project, batch } = await this.tasks.place(caller, taskType, placement);
    const fields = buildTaskFields(body, chooseParamVersion(project, placement.projectVersion));
    validateTaskParams(taskType, fields.params);
    fields.params = prepareTaskParams(taskType, fields.params);
    const now = Date.now();
    const task: QualityTask = {
      id: newId(now),
      account_id: caller.account.id,
      environment: caller.environment,
      kind,
      project_id: project.id,
      project_name: project.name,
      batch_id: batch?.id ?? null,
      batch_name: batch?.name ?? null,
      type: taskType,
      instruction: fields.instruction,
      params: fields.params,
      callback_url: fields.callbackUrl ?? caller.account.default_callback_url ?? null,
      metadata: fields.metadata,
      unique_id: fields.uniqueId,
      tags: fields.tags,
      priority: fields.priority,
      project_param_version: fields.projectParamVersion,
      expected_response: expected ?? null,
      initial_response: initial ?? undefined,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        if (idempotencyKey !== undefined && !(await this.tasks.recordIdempotencyKey(trx, caller, idempotencyKey, task.id, now))) throw new DuplicateRefused();
        if (!(await this.repository(trx).insert(task))) throw new DuplicateRefused();
      });
    } catch (error) {
      if (error instanceof DuplicateRefused || this.db.dialect.isUniqueViolation(error)) {
        await this.refuseDuplicates(caller, uniqueId, idempotencyKey);
        throw new Conflict(`A ${kind} task with the same unique_id or Idempotency-Key was created at the same time; retry to see which.`);
      }
      throw error;
    }
    return task;
  }

  private async refuseDuplicates(caller: Caller, uniqueId: string | undefined, idempotencyKey: string | undefined): Promise<void> {
    await this.tasks.refuseIdempotencyKey(caller, idempotencyKey);
    if (uniqueId === undefined) return;
    const holder = await this.repository().idByUniqueId(caller.account.id, caller.environment, uniqueId);
    if (holder !== undefined) {
      throw new Conflict(`The unique_id ("${uniqueId}") is already used for a different evaluation or training task (${holder}).`, { id: holder });
    }
  }
}
