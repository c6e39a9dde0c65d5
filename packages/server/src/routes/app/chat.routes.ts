import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireRole, ROLES } from '../../http/app-auth.ts';
import { handleUpload, registerMultipart } from '../../http/multipart-upload.ts';
import { readQuery } from '../../http/query.ts';
import type { ModelEndpoint } from '../../repositories/chat-model.repository.ts';
import type { Worker } from '../../services/queue.service.ts';

const tags = ['app chat'];
const EndpointParams = Type.Object({ project: Type.String(), name: Type.String({ description: 'The endpoint name: the source_id of its answers.' }) });
const EndpointBody = Type.Object(
  {
    url: Type.String({ description: 'OpenAI-compatible chat-completions URL.' }),
    model: Type.String(),
    api_key: Type.Optional(Type.Unknown({ description: 'Sent as Bearer; kept on the server and never shown. Absent keeps the stored key, null removes it.' })),
    parameters: Type.Optional(Type.Unknown({ description: 'Object sent with every call (temperature, max_completion_tokens, top_p, top_k, …).' })),
  },
  { additionalProperties: true },
);
const GenerateBody = Type.Object(
  {
    lease_id: Type.String(),
    endpoint: Type.String({ description: 'Name of one of the task\'s model endpoints.' }),
    messages: Type.Unknown({ description: 'The conversation so far: [{role, content}].' }),
  },
  { additionalProperties: true },
);

/** An endpoint as managers see it: everything but the key (only whether one is set). */
export function presentModelEndpoint(endpoint: ModelEndpoint): Record<string, unknown> {
  return { name: endpoint.name, url: endpoint.url, model: endpoint.model, parameters: endpoint.parameters, has_api_key: endpoint.api_key !== null, updated_at: new Date(endpoint.updated_at).toISOString() };
}

/**
 * Chat model endpoints (docs/chat.md): managers and admins configure them per project; a labeler
 * holding a task's lease lists its endpoints (name, model, parameters: never the URL or key) and asks
 * one for an answer, streamed back as server-sent events.
 */
export async function registerChatAppRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const managers = requireRole('manager', 'admin');
  const worker = (request: FastifyRequest): Promise<Worker> => services.queue.workerFor(request.appUser, request.caller);
  // Only the file-answer upload below reads multipart bodies in this scope.
  await registerMultipart(app, Math.min(services.config.chatUploadLimitBytes, services.config.uploadLimitBytes));

  app.post(
    '/tasks/:taskId/files',
    {
      schema: {
        summary: "Attach a file to a chat task's file question (multipart/form-data, the part named file; query lease_id and key)",
        description:
          'For the labeler holding the lease (404 otherwise). Streams into the file store; over TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES 413, a type the question does not accept 400. ' +
          'Answers {file: {url, mime_type, name, file_size_in_bytes}, file_id, preview_url}: put `file` in the answer\'s value array; preview_url is a signed, time-limited link for showing it.',
        tags,
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ lease_id: Type.String(), key: Type.String({ description: 'The file question the file answers.' }) }, { additionalProperties: true }),
      },
    },
    async (request) => {
      const { taskId } = request.params as { taskId: string };
      const query = readQuery(request.query);
      const labeler = await worker(request);
      return handleUpload(request, 'A file upload', (parts) => services.chatFiles.upload(labeler, taskId, query.string('lease_id'), query.string('key'), parts));
    },
  );

  app.get(
    '/tasks/:taskId/files/:fileId/preview',
    { schema: { summary: "A 302 to a signed link showing a file of a chat task's answer (query lease_id; 404 unless the caller holds it and the file is of the task's project)", tags } },
    async (request, reply) => {
      const { taskId, fileId } = request.params as { taskId: string; fileId: string };
      const link = await services.chatFiles.previewLink(await worker(request), taskId, readQuery(request.query).string('lease_id'), fileId);
      return reply.header('cache-control', 'private, max-age=0').redirect(link, 302);
    },
  );

  app.get('/projects/:project/model-endpoints', { preHandler: requireRole(...ROLES.reviewers), schema: { summary: "A chat project's model endpoints (keys never shown)", tags } }, async (request) => {
    const { project } = request.params as { project: string };
    return { endpoints: (await services.chatModels.list(request.caller, project)).map(presentModelEndpoint) };
  });

  app.put('/projects/:project/model-endpoints/:name', { preHandler: managers, schema: { summary: 'Create or replace a model endpoint', tags, params: EndpointParams, body: EndpointBody } }, async (request) => {
    const { project, name } = request.params as { project: string; name: string };
    return { endpoint: presentModelEndpoint(await services.chatModels.put(request.caller, project, name, request.body)) };
  });

  app.delete('/projects/:project/model-endpoints/:name', { preHandler: managers, schema: { summary: 'Remove a model endpoint', tags, params: EndpointParams } }, async (request) => {
    const { project, name } = request.params as { project: string; name: string };
    await services.chatModels.remove(request.caller, project, name);
    return {};
  });

  app.get('/tasks/:taskId/model-endpoints', { schema: { summary: 'The model endpoints a chat task can ask (name, model, parameters)', tags } }, async (request) => {
    const { taskId } = request.params as { taskId: string };
    const endpoints = await services.chatModels.endpointsForTask(await worker(request), taskId);
    return { endpoints: endpoints.map((endpoint) => ({ name: endpoint.name, model: endpoint.model, parameters: endpoint.parameters })) };
  });

  app.post(
    '/tasks/:taskId/generate',
    {
      schema: {
        summary: 'Ask a model endpoint for the next answer; server-sent events: token {text}…, then done {generation_id, source_id, model_parameters, text, ok, error?}',
        tags,
        body: GenerateBody,
      },
    },
    async (request, reply) => {
      const { taskId } = request.params as { taskId: string };
      // Checked before streaming starts, so a bad request is an ordinary 4xx.
      const prepared = await services.chatModels.prepareGeneration(await worker(request), taskId, request.body);
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      const send = (event: string, data: unknown) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const summary = await prepared.run((text) => send('token', { text }), abort.signal);
      send('done', summary);
      reply.raw.end();
    },
  );
}
