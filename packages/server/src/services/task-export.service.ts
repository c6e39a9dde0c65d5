import type { Db } from '../db/connect.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import type { Caller } from './account.service.ts';
import { TaskRepository, type StoredTask, type TaskCursor, type TaskFilters } from '../repositories/task.repository.ts';
import type { ProjectRepository } from '../repositories/project.repository.ts';
import type { BatchRepository } from '../repositories/batch.repository.ts';
import { InvalidRequest } from '../domain/errors.ts';
import { isTaskType } from '../domain/task-types.ts';
import { EXPORT_FORMATS, createExporter, type ExportFormat, type Exporter, type ExporterOptions } from '../exporters/index.ts';
import { taskFiltersOf, type TaskFilterQuery } from './task.service.ts';
import type { ResultReader } from '../families/types.ts';
import type { ConversationReader } from '../exporters/types.ts';

/** Tasks read per keyset page. */
export const EXPORT_PAGE_SIZE = 1000;

/** Which tasks an export holds: the filters of `GET tasks`, by name. `status` undefined means every status. */
/** Export filters: those of GET tasks except unique_id (an export is a bulk read). */
export type ExportQuery = Omit<TaskFilterQuery, 'uniqueIds'>;

/** An export ready to run: the resolved filters, how many tasks match, and the format's writer. */
export interface ExportPlan {
  format: ExportFormat;
  total: number;
  exporter: Exporter;
  /** The matching tasks as stored, newest first, one page at a time; memory stays at one page. */
  pages(): AsyncGenerator<StoredTask[]>;
}

/**
 * Task exports (docs/import-export.md): JSONL of v1 task objects, COCO, YOLO and Pascal VOC for image
 * geometry tasks, CSV. Tasks are read by keyset pages of 1,000 in the task list's (created_at desc,
 * id desc) order through its indexes, and each format writes as it reads, so memory does not grow
 * with the number of tasks. Used by `tagwright export` and by `GET /app/api/exports/tasks`.
 */
export class TaskExportService {
  constructor(
    private readonly db: Db,
    private readonly projects: ProjectRepository,
    private readonly batches: BatchRepository,
    /** Reads result files (segmentation masks) for the formats that export them. */
    private readonly results?: ResultReader,
    /** Reads chat conversations (stored by part) for the chat training formats. */
    private readonly conversations?: ConversationReader,
  ) {}

  /** Resolves the filters (an unknown project or batch is a 400 naming it) and counts the matches. */
  async plan(caller: Caller, format: string, query: ExportQuery, options: ExporterOptions = {}): Promise<ExportPlan> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new InvalidRequest(`Invalid value for 'format': "${format}". Use one of ${EXPORT_FORMATS.join(', ')}.`);
    }
    if (query.type !== undefined && !isTaskType(query.type)) throw new InvalidRequest(`Invalid value for 'type': "${query.type}" is not a task type.`);
    const filters = await this.resolve(caller, query);
    const repository = new TaskRepository(this.db.kysely, this.db.dialect);
    const total = await repository.count(caller.account.id, caller.environment, filters);
    return {
      format: format as ExportFormat,
      total,
      exporter: createExporter(format as ExportFormat, { results: this.results, conversations: this.conversations, ...options }),
      pages: () => this.pages(caller, filters),
    };
  }

  private async resolve(caller: Caller, query: ExportQuery): Promise<TaskFilters> {
    const filters = taskFiltersOf(query);
    if (query.project !== undefined) {
      const project = await this.projects.findByName(caller.account.id, caller.environment, query.project);
      if (!project) throw new InvalidRequest(`Invalid value for 'project': no project named "${query.project}" exists.`);
      filters.projectId = project.id;
    }
    if (query.batch !== undefined) {
      const batch = await this.batches.findByName(caller.account.id, caller.environment, query.batch);
      if (!batch) throw new InvalidRequest(`Invalid value for 'batch': no batch named "${query.batch}" exists.`);
      if (filters.projectId !== undefined && batch.project_id !== filters.projectId) {
        throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" belongs to project "${batch.project_name}", not to "${query.project}".`);
      }
      filters.batchId = batch.id;
    }
    return filters;
  }

  private async *pages(caller: Caller, filters: TaskFilters): AsyncGenerator<StoredTask[]> {
    const repository = new TaskRepository(this.db.kysely, this.db.dialect);
    let after: TaskCursor | undefined;
    for (;;) {
      const page = await repository.listStored(caller.account.id, caller.environment, filters, { limit: EXPORT_PAGE_SIZE, after });
      if (page.length > 0) yield page;
      if (page.length < EXPORT_PAGE_SIZE) return;
      const last = page[page.length - 1];
      after = { createdAt: last.created_at, id: last.id };
    }
  }
}
