/**
 * Evaluation (known-answer) and training tasks. They answer with `id`, not `task_id`, and never
 * appear in task lists.
 */
import { pathSegment, type RequestOptions, type Transport } from '../core/transport.ts';
import type { JsonObject, QualityTask, TaskParamsFor, TaskType } from '../types.ts';

export type EvaluationTaskParams<T extends string> = TaskParamsFor<T> & {
  /** The correct answer; required. */
  expected_response: JsonObject;
  /** Makes it a review-phase evaluation task. */
  initial_response?: JsonObject;
};

export type TrainingTaskParams<T extends string> = TaskParamsFor<T> & { expected_response?: JsonObject };

export class EvaluationTasks {
  constructor(private readonly transport: Transport) {}

  create<T extends TaskType | (string & {})>(type: T, params: EvaluationTaskParams<T>, options?: RequestOptions): Promise<QualityTask> {
    return this.transport.request({ method: 'POST', path: `evaluation_tasks/${pathSegment(type)}`, body: params, options });
  }
}

export class TrainingTasks {
  constructor(private readonly transport: Transport) {}

  create<T extends TaskType | (string & {})>(type: T, params: TrainingTaskParams<T>, options?: RequestOptions): Promise<QualityTask> {
    return this.transport.request({ method: 'POST', path: `training_tasks/${pathSegment(type)}`, body: params, options });
  }
}
