import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { readQuery, type QueryReader } from '../../http/query.ts';
import { requireRole } from '../../http/app-auth.ts';
import { InvalidRequest } from '../../domain/errors.ts';
import { REVIEW_STATUSES, TASK_STATUSES } from '../../services/task.service.ts';
import type { ExportQuery } from '../../services/task-export.service.ts';
import { EXPORT_FORMATS } from '../../exporters/index.ts';
import { tarStream } from '../../exporters/sinks.ts';

const tags = ['app exports'];

/**
 * Task exports for the dashboard (docs/import-export.md), streamed as they are read so that memory
 * stays flat however many tasks match: `GET /app/api/exports/tasks?format=...` with the task list's
 * filters. JSONL, CSV and COCO come as one file; YOLO and Pascal VOC (a folder of files) as a tar.
 * Members, managers and admins (and API keys); scoped to the caller's account and environment.
 */
export async function registerExportRoutes(app: FastifyInstance): Promise<void> {
  const { taskExport } = app.services;

  app.get(
    '/exports/tasks',
    {
      schema: {
        summary:
          `Download tasks as ${EXPORT_FORMATS.join(', ')} (streamed; YOLO and VOC as a tar; chat-preference and chat-sft: training data of completed chat tasks, docs/chat.md). Query: format (required), project, batch, ` +
          'status (default completed; any for all), type, created_after/start_time, created_before/end_time, completed_after, completed_before, ' +
          'updated_after, updated_before, customer_review_status, tags, image_size (WxH)',
        tags,
      },
      preHandler: requireRole('member', 'manager'),
    },
    async (request, reply) => {
      const query = readQuery(request.query);
      const format = query.oneOf('format', EXPORT_FORMATS);
      if (format === undefined) throw new InvalidRequest(`Missing required parameter 'format': one of ${EXPORT_FORMATS.join(', ')}.`);
      const plan = await taskExport.plan(request.caller, format, exportQuery(query), { imageSize: imageSize(query.string('image_size')) });
      const day = new Date().toISOString().slice(0, 10);
      const exporter = plan.exporter;
      let body: AsyncIterable<string | Buffer>;
      let type: string;
      let filename: string;
      if (exporter.kind === 'stream') {
        body = exporter.write(plan.pages());
        type = exporter.contentType;
        filename = `tasks-${day}${format === 'jsonl' || format === 'csv' ? '' : `-${format}`}.${exporter.extension}`;
      } else {
        body = tarStream(exporter.entries(plan.pages()));
        type = 'application/x-tar';
        filename = `tasks-${day}-${format}.tar`;
      }
      reply
        .header('content-type', type)
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('x-total-tasks', String(plan.total))
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(body, { objectMode: false }));
    },
  );
}

function exportQuery(query: QueryReader): ExportQuery {
  const status = query.string('status');
  if (status !== undefined && status !== 'any' && !(TASK_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidRequest(`Invalid value for 'status': "${status}". Use one of ${TASK_STATUSES.join(', ')}, or any.`);
  }
  const tags = query.list('tags');
  return {
    project: query.string('project'),
    batch: query.string('batch'),
    status: status === 'any' ? undefined : ((status ?? 'completed') as ExportQuery['status']),
    type: query.string('type'),
    createdFrom: query.timestamp('created_after') ?? query.timestamp('start_time'),
    createdTo: query.timestamp('created_before') ?? query.timestamp('end_time'),
    completedFrom: query.timestamp('completed_after'),
    completedTo: query.timestamp('completed_before'),
    updatedFrom: query.timestamp('updated_after'),
    updatedTo: query.timestamp('updated_before'),
    reviewStatuses: query.commaListOf('customer_review_status', REVIEW_STATUSES),
    tags: tags && tags.length > 0 ? tags : undefined,
  };
}

function imageSize(value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) throw new InvalidRequest(`Invalid value for 'image_size': "${value}". Use WIDTHxHEIGHT, for example 1920x1080.`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
