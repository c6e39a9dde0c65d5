import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { waitUntil } from '../callbacks/fixtures.ts';
import { HoldingReceiver } from './receiver.ts';
import { connect, type Db } from '../../src/db/connect.ts';
import { TaskRepository, type NewTask } from '../../src/repositories/task.repository.ts';
import { newId, sha256 } from '../../src/domain/ids.ts';

const LABELERS = 50;
const STANDARD_TASKS = 240;
const CONSENSUS_TASKS = 80;
const CONSENSUS_ATTEMPTS = 2;
/** Callback attempts in flight per worker loop: with more held than this, the node to be killed holds some. */
const CALLBACK_CONCURRENCY = 4;
const HOLD_AFTER_SUBMISSIONS = 60;
const BUCKET = 'tw-cluster';
/** Requests per key per minute on every node (the live key's own use in this file stays well under it). */
const RATE_LIMIT = 20;
const auth = { authorization: `Bearer ${LIVE_KEY}` };

interface Labeler {
  id: string;
  email: string;
  cookie: string;
  csrfToken: string;
}

/** Teammates with session rows written directly (signing in costs a slow password hash each). */
async function addLabelers(db: Db, accountId: string, count: number): Promise<Labeler[]> {
  const now = Date.now();
  const labelers: Labeler[] = [];
  const users = [];
  const sessions = [];
  for (let index = 0; index < count; index++) {
    const id = newId();
    const token = crypto.randomBytes(24).toString('hex');
    const csrfToken = crypto.randomBytes(16).toString('hex');
    const email = `labeler-${index}-${id.slice(-6)}@example.com`.toLowerCase();
    users.push({ id, account_id: accountId, email, role: 'labeler' as const, first_name: null, last_name: null, company: null, password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: now });
    sessions.push({ id: sha256(token), user_id: id, account_id: accountId, csrf_token: csrfToken, created_at: now, expires_at: now + 86_400_000, last_seen_at: now });
    labelers.push({ id, email, cookie: `tw_session=${token}`, csrfToken });
  }
  await db.kysely.insertInto('users').values(users).execute();
  await db.kysely.insertInto('sessions').values(sessions).execute();
  return labelers;
}

/** Queued categorization tasks with a callback URL, inserted in bulk (the subject is claiming and completing). */
async function insertTasks(db: Db, projectName: string, count: number, callbackUrl: string): Promise<string[]> {
  const project = await db.kysely.selectFrom('projects').select(['id', 'account_id']).where('name', '=', projectName).executeTakeFirstOrThrow();
  const start = Date.now() - count;
  const tasks: NewTask[] = Array.from({ length: count }, (_, index) => ({
    id: newId(start + index), account_id: project.account_id, environment: 'live', project_id: project.id, batch_id: null,
    type: 'categorization', status: 'pending', work_state: 'queued', instruction: null,
    params: { attachment: `https://cdn.example.com/${index}.jpg`, categories: ['cat', 'dog'] },
    callback_url: callbackUrl, callback_succeeded: null, response: null, metadata: {}, unique_id: null, tags: null, priority: null,
    project_param_version: null, customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null,
    created_at: start + index, updated_at: start + index, completed_at: null,
  }));
  await db.kysely.transaction().execute((trx) => new TaskRepository(trx, db.dialect).insertMany(tasks));
  return tasks.map((task) => task.id);
}

async function appCall(baseUrl: string, labeler: { cookie: string; csrfToken: string }, method: 'GET' | 'POST', urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/app/api${urlPath}`, {
    method,
    headers: { cookie: labeler.cookie, 'x-csrf-token': labeler.csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function api(baseUrl: string, method: string, urlPath: string, body?: unknown, key = LIVE_KEY): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}

const postgres = process.env.TEST_DATABASE_URL;

// Several nodes share one database, so this needs PostgreSQL; SQLite is one machine's file.
describe('Several nodes: two API processes and a worker on one PostgreSQL database and one bucket', { skip: postgres ? false : 'needs TEST_DATABASE_URL' }, () => {
  let s3: TestS3Server;
  let database: TestDatabase;
  let db: Db;
  let receiver: HoldingReceiver;
  /** TAGWRIGHT_ROLE=api. */
  let nodeA: NodeProcess;
  /** TAGWRIGHT_ROLE=all: the API and a worker loop in one process; the one that gets killed. */
  let nodeB: NodeProcess;
  /** TAGWRIGHT_ROLE=worker. */
  let worker: NodeProcess;
  const dataDirs: string[] = [];

  function nodeEnv(role: 'api' | 'all' | 'worker'): Record<string, string> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tagwright-node-${role}-`));
    dataDirs.push(dataDir);
    return {
      ...s3.env(BUCKET, { TAGWRIGHT_S3_PREFIX: 'cluster' }),
      TAGWRIGHT_ROLE: role,
      DATABASE_URL: database.databaseUrl!,
      // Each node gets a data folder of its own: nothing may depend on a shared disk.
      TAGWRIGHT_DATA_DIR: dataDir,
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND: 'true',
      TAGWRIGHT_WORKER_POLL_MS: '50',
      TAGWRIGHT_GOLD_RATE: '0',
      TAGWRIGHT_LEASE_SECONDS: '10',
      TAGWRIGHT_CALLBACK_CONCURRENCY: String(CALLBACK_CONCURRENCY),
      TAGWRIGHT_CALLBACK_TIMEOUT_MS: '8000',
      TAGWRIGHT_CALLBACK_CLAIM_MS: '9000',
      TAGWRIGHT_CALLBACK_SCHEDULE: '1,1,1,1,1',
      TAGWRIGHT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    };
  }

  before(async () => {
    s3 = await startS3Server([BUCKET]);
    database = await createTestDatabase('postgres');
    receiver = await HoldingReceiver.start();
    // The first node migrates and creates the first account; the others start on a ready database.
    nodeA = await startNodeProcess(nodeEnv('api'));
    [nodeB, worker] = await Promise.all([startNodeProcess(nodeEnv('all')), startNodeProcess(nodeEnv('worker'))]);
    db = connect({ databaseUrl: database.databaseUrl });
  });

  after(async () => {
    await Promise.all([nodeA, nodeB, worker].map((node) => node?.stop('SIGTERM')));
    await db?.close();
    await receiver?.close();
    await database?.drop();
    await s3?.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves a file uploaded through one node from the other, by API key and by a signed link the other node made', async () => {
    const bytes = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), 'scan.bin');
    const uploaded = await fetch(`${nodeA.url}/v1/files/upload`, { method: 'POST', headers: auth, body: form });
    assert.equal(uploaded.status, 200);
    const file = (await uploaded.json()) as any;
    assert.deepEqual(await s3.keys(BUCKET, 'cluster/'), [`cluster/${file.id.slice(-2)}/${file.id}`]);

    const fromB = await fetch(`${nodeB.url}/v1/files/${file.id}/content`, { headers: auth });
    assert.equal(fromB.status, 200);
    assert.ok(Buffer.from(await fromB.arrayBuffer()).equals(bytes));

    const task = await api(nodeA.url, 'POST', '/v1/task/categorization', { categories: ['a', 'b'], attachment: file.attachment_url, unique_id: 'cross-node-file' });
    assert.equal(task.status, 200, task.text);
    const listed = await api(nodeB.url, 'GET', '/v1/tasks?include_attachment_url=true&unique_id=cross-node-file');
    const link = new URL(listed.body.docs[0].attachment_url);
    assert.equal(link.origin, nodeB.url);
    const viaA = await fetch(`${nodeA.url}${link.pathname}${link.search}`);
    assert.equal(viaA.status, 200, 'the signing secret is shared through the database');
    assert.ok(Buffer.from(await viaA.arrayBuffer()).equals(bytes));
  });

  it('keeps a session made on one node valid on the other, and a sign-out on either ends it on both', async () => {
    const email = `cross-node-${crypto.randomBytes(4).toString('hex')}@example.com`;
    const invited = await api(nodeA.url, 'POST', '/v1/teams/invite', { emails: [email], team_role: 'labeler' });
    assert.equal(invited.status, 200, invited.text);
    const token = invited.body.find((teammate: any) => teammate.email === email).inviteToken;
    const accepted = await fetch(`${nodeB.url}/app/api/session/accept-invite`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'a long enough password' }) });
    assert.equal(accepted.status, 200);
    const cookie = accepted.headers.get('set-cookie')!.split(';')[0];
    const { csrfToken } = (await accepted.json()) as any;

    const onA = await appCall(nodeA.url, { cookie, csrfToken }, 'GET', '/session');
    assert.equal(onA.status, 200);
    assert.equal(onA.body.user.email, email);
    const loggedOut = await appCall(nodeA.url, { cookie, csrfToken }, 'POST', '/session/logout', {});
    assert.equal(loggedOut.status, 200);
    assert.equal((await appCall(nodeB.url, { cookie, csrfToken }, 'GET', '/session')).status, 401);

    const login = await fetch(`${nodeA.url}/app/api/session/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a long enough password' }) });
    assert.equal(login.status, 200);
    const again = { cookie: login.headers.get('set-cookie')!.split(';')[0], csrfToken: ((await login.json()) as any).csrfToken };
    assert.equal((await appCall(nodeB.url, again, 'GET', '/session')).status, 200);
  });

  it('counts a key\'s rate limit across nodes: spent on one node, it is refused on the other', async () => {
    for (let index = 0; index < RATE_LIMIT; index++) {
      const response = await api(nodeA.url, 'GET', '/v1/projects', undefined, TEST_KEY);
      assert.equal(response.status, 200, `request ${index + 1} of ${RATE_LIMIT} on node A`);
    }
    assert.equal((await api(nodeA.url, 'GET', '/v1/projects', undefined, TEST_KEY)).status, 429);
    // Counted per process, node B would now let another RATE_LIMIT through. Shared, it lets through only what
    // the minute earned back meanwhile (one every 3 s).
    let letThroughOnB = 0;
    let refused;
    for (;;) {
      const response = await fetch(`${nodeB.url}/v1/projects`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
      if (response.status === 429) {
        refused = response;
        break;
      }
      assert.equal(response.status, 200);
      letThroughOnB += 1;
      assert.ok(letThroughOnB < RATE_LIMIT / 2, `node B let ${letThroughOnB} requests of a spent key through`);
    }
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 30, `Retry-After ${wait}`);
    assert.equal(((await refused.json()) as any).status_code, 429);
  });

  it(`completes every required attempt exactly once with ${LABELERS} labelers over both API nodes while one node is killed mid-leases and mid-callbacks; every callback arrives, twice only if it was in flight at the kill`, async (t) => {
    const account = await db.kysely.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow();
    const standard = `cluster-standard-${crypto.randomBytes(3).toString('hex')}`;
    const consensus = `cluster-consensus-${crypto.randomBytes(3).toString('hex')}`;
    assert.equal((await api(nodeA.url, 'POST', '/v1/projects', { type: 'categorization', name: standard })).status, 200);
    assert.equal((await api(nodeA.url, 'POST', '/v1/projects', { type: 'categorization', name: consensus, pipeline: 'consensus_task', consensus_attempts: CONSENSUS_ATTEMPTS })).status, 200);
    const labelers = await addLabelers(db, account.id, LABELERS);
    const assigned = await api(nodeA.url, 'POST', '/v1/studio/assignments/add', { emails: labelers.map((labeler) => labeler.email), projects: [standard, consensus] });
    assert.equal(assigned.status, 200, assigned.text);
    const taskIds = [...(await insertTasks(db, standard, STANDARD_TASKS, receiver.url)), ...(await insertTasks(db, consensus, CONSENSUS_TASKS, receiver.url))];
    const expectedAttempts = STANDARD_TASKS + CONSENSUS_TASKS * CONSENSUS_ATTEMPTS;

    let submitted = 0;
    let killed = false;
    let killRequested = false;
    let releaseKill!: () => void;
    const killDone = new Promise<void>((resolve) => (releaseKill = resolve));
    /** Labelers on node B holding an assignment they got from it. */
    const holdingOnB = new Set<string>();
    const abandoned: string[] = [];
    const expired: string[] = [];
    let labelingOver = false;
    let killedAt = 0;
    const deadline = Date.now() + 240_000;

    async function label(labeler: Labeler, index: number): Promise<void> {
      let baseUrl = index % 2 === 0 ? nodeA.url : nodeB.url;
      // A labeler stops asking once the queue has stayed empty for longer than a killed node's leases
      // take to expire (10 s) with room for a loaded machine; counted in time, not polls, which a busy
      // machine slows down unevenly.
      let idleSince = 0;
      while (submitted < expectedAttempts && Date.now() < deadline) {
        let answer;
        try {
          answer = await appCall(baseUrl, labeler, 'GET', '/queue/next');
        } catch {
          // Node B is gone: the load balancer sends this labeler to node A, with the same session.
          baseUrl = nodeA.url;
          continue;
        }
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const assignment = answer.body.assignment;
        if (!assignment) {
          idleSince ||= Date.now();
          if (Date.now() - idleSince > 45_000) break;
          await sleep(25);
          continue;
        }
        idleSince = 0;
        const onB = baseUrl === nodeB.url;
        if (onB) holdingOnB.add(labeler.id);
        await sleep(5);
        // A labeler holding a lease from node B when the kill is decided keeps it across the kill.
        if (onB && killRequested) await killDone;
        holdingOnB.delete(labeler.id);
        let result;
        try {
          result = await appCall(baseUrl, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' }, time_spent_secs: 1 });
        } catch {
          // The work in this killed tab is lost; its lease must expire back to the queue.
          abandoned.push(assignment.task.task_id);
          baseUrl = nodeA.url;
          continue;
        }
        if (result.status === 409) {
          // The lease ran out before the submission (a loaded machine, a short lease): nothing was recorded,
          // the task went back to the queue, as for a labeler who walked away.
          expired.push(assignment.task.task_id);
          continue;
        }
        assert.equal(result.status, 200, JSON.stringify(result.body));
        submitted += 1;
        // A while into the run, callbacks start being held open, so both worker loops get attempts in flight.
        if (submitted === HOLD_AFTER_SUBMISSIONS) receiver.holding = true;
      }
    }

    const killer = (async () => {
      // More attempts held open than one worker loop may have in flight: node B holds some of them.
      await waitUntil(() => labelingOver || (receiver.heldCount > CALLBACK_CONCURRENCY + 1 && holdingOnB.size > 0), { timeoutMs: 240_000, intervalMs: 10, what: 'callbacks in flight on both workers and a lease held on node B' });
      if (labelingOver) return { inFlightAtKill: new Set<string>(), leasesOnB: 0 };
      killRequested = true;
      const heldWhenDecided = receiver.heldDeliveryIds();
      const leasesOnB = holdingOnB.size;
      killedAt = Date.now();
      await nodeB.stop('SIGKILL');
      killed = true;
      // Requests sent while the kill was under way are in flight at it too: one of node B's whose cut the
      // receiver has not yet read is answered by releaseAll below, and the survivor delivers it again.
      // So is an attempt node B had been answered for but not yet recorded (a worker writes its outcomes in
      // gathered batches): its row is still claimed, and the survivor sends it again once the claim
      // expires (both receipts then read "answered": the CI failure of 10:35 on 2026-12-07).
      const answeredBeforeKill = [...new Set(receiver.receipts.filter((receipt) => receipt.state === 'answered').map((receipt) => receipt.deliveryId))];
      const unrecorded = answeredBeforeKill.length === 0 ? [] : await db.kysely.selectFrom('outbox').select('id').where('id', 'in', answeredBeforeKill).where('state', '=', 'delivering').execute();
      const inFlightAtKill = new Set([...heldWhenDecided, ...receiver.heldDeliveryIds(), ...unrecorded.map((row) => row.id)]);
      // The receiver keeps holding until node B's connections are seen closed: a request node B sent just
      // before it died may be read only now, and answered at once it would count as delivered; held, it
      // is seen cut. The receiver sees a close only when its event loop reads the kernel's FIN, and the
      // surviving worker holds at most its own concurrency.
      await waitUntil(() => receiver.heldCount <= CALLBACK_CONCURRENCY, { timeoutMs: 30_000, intervalMs: 10, what: "node B's held callbacks seen closed" });
      receiver.releaseAll();
      releaseKill();
      return { inFlightAtKill, leasesOnB };
    })();

    await Promise.all(labelers.map((labeler, index) => label(labeler, index))).finally(() => (labelingOver = true));
    const { inFlightAtKill, leasesOnB } = await killer;
    t.diagnostic(`${submitted} submissions; node B killed with ${inFlightAtKill.size} callbacks in flight and ${leasesOnB} leases held through it; ${abandoned.length} assignments abandoned, ${expired.length} submissions after the lease ran out`);
    assert.ok(killed);
    assert.ok(abandoned.length >= 1, 'at least one lease was cut off by the kill');
    // A submission in flight to node B when it died may have committed without its answer arriving: the
    // labeler counted it abandoned. So the answered submissions are bounded here, and the database below
    // is the proof that every required attempt was recorded exactly once.
    assert.ok(submitted <= expectedAttempts && submitted >= expectedAttempts - abandoned.length, `${submitted} answered submissions`);

    // Every required attempt exactly once, by different labelers for consensus.
    for (const [name, attempts] of [[standard, 1], [consensus, CONSENSUS_ATTEMPTS]] as const) {
      const { id: projectId } = await db.kysely.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      const notDone = await db.kysely.selectFrom('tasks').select('id').where('project_id', '=', projectId).where('status', '!=', 'completed').execute();
      assert.deepEqual(notDone, [], `every task of ${name} completed`);
      const perTask = await db.kysely
        .selectFrom('task_attempts')
        .select(['task_id', (eb) => eb.fn.countAll<number>().as('attempts'), (eb) => eb.fn.count<number>('user_id').distinct().as('people')])
        .where('project_id', '=', projectId)
        .where('kind', '=', 'label')
        .groupBy('task_id')
        .execute();
      const wrong = perTask.filter((row) => Number(row.attempts) !== attempts || Number(row.people) !== attempts);
      assert.deepEqual(wrong, [], `each task of ${name} has exactly ${attempts} attempt(s)`);
    }
    const leftover = await db.kysely.selectFrom('task_leases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(leftover.n), 0, 'no lease outlives the run');

    // Every callback delivered (answered 200) at least once; a second time only if it was in flight at the kill.
    await waitUntil(
      async () => {
        const open = await db.kysely.selectFrom('outbox').select('id').where('state', 'in', ['pending', 'delivering']).execute();
        return open.length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'every callback to be delivered by the surviving worker' },
    );
    const rows = await db.kysely.selectFrom('outbox').select(['id', 'subject_id', 'state']).where('subject_id', 'in', taskIds).execute();
    assert.equal(rows.length, taskIds.length, 'one callback per completed task');
    assert.deepEqual(rows.filter((row) => row.state !== 'succeeded'), []);
    const answered = new Map<string, number>();
    const received = new Map<string, number>();
    for (const receipt of receiver.receipts) {
      received.set(receipt.deliveryId, (received.get(receipt.deliveryId) ?? 0) + 1);
      if (receipt.state === 'answered') answered.set(receipt.deliveryId, (answered.get(receipt.deliveryId) ?? 0) + 1);
    }
    assert.deepEqual(rows.filter((row) => !answered.has(row.id)).map((row) => row.id), [], 'every callback was answered at least once');
    // Held past TAGWRIGHT_CALLBACK_TIMEOUT_MS before the kill, an attempt is given up by its sender and retried:
    // that second arrival is the receiver's doing (it did not answer in time), not the kill's.
    // A delivery whose connection was cut unanswered (the sender's timeout, or the kill) is owed a retry.
    const timedOut = new Set(receiver.receipts.filter((receipt) => receipt.state === 'cut').map((receipt) => receipt.deliveryId));
    t.diagnostic(`callbacks: ${rows.length} delivered, ${timedOut.size} given up by a sender's timeout before the kill and retried`);
    const twice = [...received].filter(([, count]) => count > 1).map(([id]) => id);
    const unexplained = twice.filter((id) => !inFlightAtKill.has(id) && !timedOut.has(id));
    // On failure, each such delivery's receipts (state, ms after the kill) say how it came twice.
    const historyOf = (id: string) => receiver.receipts.filter((receipt) => receipt.deliveryId === id).map((receipt) => ({ state: receipt.state, cutAfterKillMs: receipt.cutAt && receipt.cutAt - killedAt }));
    assert.deepEqual(unexplained, [], `only callbacks in flight at the kill arrived twice: ${JSON.stringify(unexplained.map((id) => ({ id, receipts: historyOf(id) })))}`);
    assert.deepEqual([...received].filter(([id, count]) => count > (timedOut.has(id) ? 3 : 2)), [], 'no callback arrived more often than the kill and a timeout explain');
    const cutByKill = receiver.receipts.filter((receipt) => receipt.state === 'cut' && receipt.cutAt! >= killedAt);
    assert.ok(cutByKill.length >= 1, 'node B had callbacks in flight');
    assert.deepEqual(cutByKill.filter((receipt) => answered.get(receipt.deliveryId) !== 1).map((receipt) => receipt.deliveryId), [], "the survivor delivered each of node B's cut-off callbacks");
  });
});
