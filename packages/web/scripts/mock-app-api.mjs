// A stand-in for the server's app API, for working on the workbench without a database:
// serves the built SPA under /ui/ and answers /app/api/* from an in-memory queue of sample tasks.
// Usage: npm run build -w @tagwright/web && node packages/web/scripts/mock-app-api.mjs [port] [--many]
// (--many starts with an image task pre-filled with 1,000 boxes, to feel rendering at scale).
// Sign in with any email and password. The browser end-to-end test starts it too; it is not
// production code.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const sampleImage = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500">
<rect width="800" height="500" fill="#9ca3af"/><rect y="330" width="800" height="170" fill="#4b5563"/>
<rect x="120" y="250" width="200" height="110" rx="18" fill="#dc2626"/><circle cx="170" cy="365" r="28" fill="#111"/>
<circle cx="280" cy="365" r="28" fill="#111"/><rect x="480" y="180" width="140" height="190" fill="#2563eb"/></svg>`;

const now = () => new Date().toISOString();

/** The sample tasks the mock hands out, in order. */
export function sampleTasks() {
  return [
    {
      task_id: 'demo-image',
      type: 'imageannotation',
      project: 'streets',
      instruction: '# Vehicles\n\nDraw a **tight box** around every vehicle.\n\n- Include mirrors\n- Skip parked bicycles',
      params: {
        attachment: '/mock/street.svg',
        attachment_type: 'image',
        geometries: {
          box: { objects_to_annotate: ['car', { choice: 'large', subchoices: ['bus', 'truck'] }], min_width: 8, min_height: 8 },
          polygon: { objects_to_annotate: ['building'] },
          point: { objects_to_annotate: ['wheel'] },
        },
        annotation_attributes: {
          occlusion: { description: 'How occluded?', choices: ['0%', '25%', '50%'] },
          parked: { description: 'Parked?', choices: ['yes', 'no'], conditions: { label_condition: { label: 'car' } } },
        },
        hypothesis: { annotations: [{ uuid: 'hyp-1', type: 'box', label: 'truck', left: 478, top: 178, width: 145, height: 195, attributes: {} }] },
      },
      attachment_url: '/mock/street.svg',
      created_at: now(),
    },
    { task_id: 'demo-category', type: 'categorization', project: 'animals', instruction: 'Pick the animal.', params: { attachment: 'A small cat sat on the mat.', attachment_type: 'text', categories: ['cat', 'dog', 'bird'] }, created_at: now() },
    { task_id: 'demo-ner', type: 'namedentityrecognition', project: 'news', instruction: 'Label people and places.', params: { text: 'Ada Lovelace was born in London in 1815.', labels: [{ name: 'PER', description: 'Person' }, { name: 'LOC', description: 'Place' }] }, created_at: now() },
  ];
}

/** The sample tasks with an image task pre-filled with 1,000 boxes in front. */
export function manyBoxTasks() {
  const tasks = sampleTasks();
  const annotations = Array.from({ length: 1000 }, (_, index) => ({
    uuid: `many-${index}`, type: 'box', label: index % 2 ? 'car' : 'bus',
    left: (index % 40) * 20, top: Math.floor(index / 40) * 20, width: 14, height: 14, attributes: {},
  }));
  return [{ ...tasks[0], task_id: 'demo-many', params: { ...tasks[0].params, hypothesis: { annotations } } }, ...tasks];
}

/**
 * Starts the mock on `port` (0 picks a free one), serving the SPA from `distDir`. Every submit and
 * skip is recorded in `actions`, so tests can check what the workbench sent.
 */
export function startMockServer({ port = 0, distDir = fileURLToPath(new URL('../dist/', import.meta.url)), tasks = sampleTasks() } = {}) {
  const dist = distDir.endsWith('/') ? distDir : `${distDir}/`;
  const actions = [];
  let position = 0;
  let held = null;
  const drafts = new Map();
  // Each draft save's method and body size, so benches can show what autosave sends.
  const draftSaves = [];

  function send(response, status, body, type = 'application/json; charset=utf-8') {
    response.writeHead(status, { 'content-type': type });
    response.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  }

  async function readJson(request) {
    let text = '';
    for await (const chunk of request) text += chunk;
    request.bodyBytes = Buffer.byteLength(text);
    return text ? JSON.parse(text) : {};
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const path = url.pathname;
    if (path === '/mock/street.svg') return send(response, 200, sampleImage, 'image/svg+xml');
    if (path.startsWith('/app/api/')) {
      const route = `${request.method} ${path.slice('/app/api'.length)}`;
      const body = request.method === 'POST' || request.method === 'PATCH' ? await readJson(request) : {};
      if (route === 'POST /session/login') return send(response, 200, { user: { id: 'u1', email: body.email, role: 'labeler' } });
      if (route === 'GET /session/state') return send(response, 200, { signed_in: true, user: { id: 'u1', email: 'demo@localhost', role: 'labeler' } });
      if (route === 'GET /session' || route === 'POST /session/logout') return send(response, 200, route.startsWith('GET') ? { user: { id: 'u1', email: 'demo@localhost', role: 'labeler' } } : {});
      if (route === 'GET /queue/projects') return send(response, 200, { projects: [{ name: 'streets', type: 'imageannotation', waiting_label: 1, waiting_review: 0 }] });
      if (route === 'GET /queue/progress') return send(response, 200, { kind: 'label', since: url.searchParams.get('since'), done: position - (held ? 1 : 0) });
      if (route === 'GET /queue/next') {
        if (!held) {
          if (position >= tasks.length) return send(response, 200, { assignment: null });
          const task = tasks[position++];
          held = { lease: { lease_id: `lease-${task.task_id}`, task_id: task.task_id, kind: 'label', expires_at: new Date(Date.now() + 300_000).toISOString() }, task };
        }
        const draft = drafts.get(held.task.task_id);
        return send(response, 200, { assignment: { ...held, ...(draft ? { draft } : {}) } });
      }
      // No model endpoints: the chat editor then offers only hand-written answers.
      if (/^GET \/tasks\/[^/]+\/model-endpoints$/.test(route)) return send(response, 200, { endpoints: [] });
      const action = path.match(/^\/app\/api\/(tasks|leases)\/([^/]+)\/(\w+)$/);
      if (action && held) {
        const [, , , verb] = action;
        if (verb === 'renew') return send(response, 200, { lease: { ...held.lease, expires_at: new Date(Date.now() + 300_000).toISOString() } });
        if (verb === 'draft') {
          draftSaves.push({ method: request.method, bytes: request.bodyBytes, parts: body.parts?.length });
          // PATCH: the parts set over the draft in revision order, as the server does (docs/app-api.md).
          const saved = request.method === 'PATCH' ? applyParts(drafts.get(held.task.task_id)?.response, body.parts) : body.response;
          drafts.set(held.task.task_id, { response: saved, saved_at: now() });
          return send(response, 200, request.method === 'PATCH' ? { saved_at: now(), stale: [] } : { saved_at: now() });
        }
        actions.push({ verb, task_id: held.task.task_id, body });
        held = null;
        return send(response, 200, verb === 'submit' ? { task_id: action[2], next_state: 'completed' } : {});
      }
      return send(response, 404, { status_code: 404, error: `No mock for ${route}.` });
    }
    if (path === '/ui' || path.startsWith('/ui/')) {
      const relative = normalize(path.slice('/ui/'.length) || 'index.html').replace(/^(\.\.[/\\])+/, '');
      try {
        const bytes = await readFile(join(dist, relative));
        const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
        return send(response, 200, bytes, types[extname(relative)] ?? 'application/octet-stream');
      } catch {
        return send(response, 404, { status_code: 404, error: 'Not found.' });
      }
    }
    send(response, 404, { status_code: 404, error: 'Not found.' });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, actions, draftSaves, close: () => new Promise((done) => {
        server.closeAllConnections();
        server.close(done);
      }) });
    });
  });
}

/** A draft with parts `[{path, value, revision}]` set at their JSON pointers, oldest revision first (the mock keeps no per-part revisions). */
function applyParts(draft, parts) {
  const result = structuredClone(draft ?? {});
  for (const part of [...parts].sort((a, b) => a.revision - b.revision)) {
    const segments = part.path.slice(1).split('/');
    if (segments.length === 0) continue;
    let container = result;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) container[segment] = part.value;
      else container = container[segment] ??= /^\d+$/.test(segments[index + 1]) ? [] : {};
    });
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 5174);
  const tasks = process.argv.includes('--many') ? manyBoxTasks() : sampleTasks();
  const { url } = await startMockServer({ port, tasks });
  console.log(`Mock app API and workbench on ${url}/ui/`);
}
