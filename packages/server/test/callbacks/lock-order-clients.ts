import type { TestServer } from '../helpers/server.ts';
import { LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { call, categorization, type TestWorker } from '../queue/helpers.ts';

/**
 * The clients of test/callbacks/lock-order.test.ts: each one drives one kind of PostgreSQL write
 * path (creates, labeling, reviews, customer audits and cancels, batch operations) while the others
 * and the callback worker run beside it. Every answer is recorded (route and status) so the test can
 * check that none was a 500; `completed` collects the tasks whose completion was acknowledged.
 */
export class LockOrderClients {
  readonly answers: Array<{ route: string; status: number; text: string }> = [];
  readonly completed = new Set<string>();
  /** Set when the creators have finished, so the workers stop once the queues run dry. */
  creating = true;
  /** How long the last review decision took to answer (ms): the spread of the releases raced against decisions. */
  private reviewMs = 10;
  private readonly random: () => number;

  constructor(
    private readonly server: TestServer,
    private readonly callbackUrl: string,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  private note(route: string, answer: { status: number; text: string }): void {
    this.answers.push({ route, status: answer.status, text: answer.status >= 400 ? answer.text : '' });
  }

  private async api(method: string, path: string, key: string, body?: unknown, route = path): Promise<any> {
    const answer = await this.server.request(method, path, { key, body });
    this.note(`${method} ${route}`, answer);
    return answer;
  }

  private async app(worker: TestWorker, method: 'GET' | 'POST', path: string, body: unknown, route: string): Promise<any> {
    const answer = await call(this.server, worker, method, path, body);
    this.note(`${method} ${route}`, answer);
    return answer;
  }

  /** Creates with one key, in turn into each target (a project, and a batch of it or none); test-key creates complete in their own transaction. */
  async create(key: string, targets: ReadonlyArray<{ project: string; batch?: string }>, count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const { project, batch } = targets[index % targets.length];
      const body = categorization(project, { callback_url: this.callbackUrl, ...(batch ? { batch } : {}) });
      const answer = await this.api('POST', '/v1/task/categorization', key, body, 'task create');
      if (key === TEST_KEY && answer.status === 200) this.completed.add(answer.body.task_id);
    }
  }

  /**
   * A labeler: takes work and submits it; sometimes races a release against the submission, gives
   * the task back, lets the lease run out (the next claim anyone makes sweeps it), or reopens a
   * submission waiting for review and submits it again.
   */
  async label(worker: TestWorker, leaseMs: number): Promise<void> {
    let idle = 0;
    while (idle < 3) {
      const next = await this.app(worker, 'GET', '/queue/next', undefined, 'queue/next');
      const assignment = next.status === 200 ? next.body.assignment : null;
      if (!assignment) {
        idle = this.creating ? 0 : idle + 1;
        await sleep(25);
        continue;
      }
      idle = 0;
      const taskId = assignment.task.task_id;
      const lease = assignment.lease.lease_id;
      const submit = () => this.app(worker, 'POST', `/tasks/${taskId}/submit`, { lease_id: lease, response: { category: 'cat' }, time_spent_secs: 1 }, 'submit');
      const release = () => this.app(worker, 'POST', `/leases/${lease}/release`, {}, 'release');
      const roll = this.random();
      if (roll < 0.1) {
        await release();
      } else if (roll < 0.2) {
        await sleep(leaseMs + 100);
        await submit();
      } else if (roll < 0.35) {
        const [submitted] = await Promise.all([submit(), sleep(this.random() * this.reviewMs).then(release)]);
        this.noteSubmitted(taskId, submitted);
      } else {
        const submitted = await submit();
        this.noteSubmitted(taskId, submitted);
        if (submitted.status === 200 && submitted.body.next_state === 'review' && this.random() < 0.3) {
          const reopened = await this.app(worker, 'POST', `/tasks/${taskId}/reopen`, {}, 'reopen');
          if (reopened.status === 200) {
            const again = await this.app(worker, 'POST', `/tasks/${taskId}/submit`, { lease_id: reopened.body.assignment.lease.lease_id, response: { category: 'dog' } }, 'submit');
            this.noteSubmitted(taskId, again);
          }
        }
      }
    }
  }

  private noteSubmitted(taskId: string, answer: { status: number; body: any }): void {
    if (answer.status === 200 && answer.body.next_state === 'completed') this.completed.add(taskId);
  }

  /** A reviewer: accepts, fixes or rejects, and sometimes races a release of the review lease against the decision. */
  async review(worker: TestWorker): Promise<void> {
    let idle = 0;
    while (idle < 3) {
      const next = await this.app(worker, 'GET', '/queue/next?kind=review', undefined, 'queue/next review');
      const assignment = next.status === 200 ? next.body.assignment : null;
      if (!assignment) {
        idle = this.creating ? 0 : idle + 1;
        await sleep(40);
        continue;
      }
      idle = 0;
      const taskId = assignment.task.task_id;
      const lease = assignment.lease.lease_id;
      const roll = this.random();
      const decision =
        roll < 0.1 ? { result: 'rejected', comments: 'Look again.' } : roll < 0.2 ? { result: 'fixed', response: { category: 'bird' } } : { result: 'accepted' };
      const decide = async () => {
        const started = Date.now();
        const answer = await this.app(worker, 'POST', `/tasks/${taskId}/review`, { lease_id: lease, time_spent_secs: 1, ...decision }, 'review');
        this.reviewMs = Date.now() - started;
        return answer;
      };
      // The release lands anywhere within the decision's last duration, so over many races some meet
      // its transaction between the first and the second row it locks.
      const decided = this.random() < 0.4
        ? (await Promise.all([decide(), sleep(this.random() * this.reviewMs).then(() => this.app(worker, 'POST', `/leases/${lease}/release`, {}, 'release review'))]))[0]
        : await decide();
      if (decided.status === 200 && decided.body.next_state === 'completed') this.completed.add(taskId);
    }
  }

  /** The customer: audits completed tasks, cancels waiting ones, asks for redeliveries. */
  async customer(manager: TestWorker, projects: readonly string[]): Promise<void> {
    let idle = 0;
    while (idle < 3) {
      if (!this.creating) idle++;
      for (const project of projects) {
        const done = await this.api('GET', `/v1/tasks?project=${project}&status=completed&limit=10`, LIVE_KEY, undefined, 'list');
        for (const task of done.body.docs ?? []) {
          if (this.random() < 0.5) await this.api('POST', `/v1/task/${task.task_id}/audit`, LIVE_KEY, { accepted: this.random() < 0.7 }, 'audit');
          else await this.app(manager, 'POST', `/tasks/${task.task_id}/deliveries/redeliver`, {}, 'redeliver');
        }
        const waiting = await this.api('GET', `/v1/tasks?project=${project}&status=pending&limit=5`, LIVE_KEY, undefined, 'list');
        for (const task of waiting.body.docs ?? []) {
          if (this.random() < 0.3) await this.api('POST', `/v1/task/${task.task_id}/cancel`, LIVE_KEY, undefined, 'cancel');
        }
      }
      await sleep(30);
    }
  }

  /** Batch operations while their tasks are created and worked on: finalize, pause and resume, cancel. */
  async batches(names: { finalize: string[]; pauseResume: string; cancel: string }): Promise<void> {
    await sleep(150);
    for (const name of names.finalize) await this.api('POST', `/v1/batches/${encodeURIComponent(name)}/finalize`, LIVE_KEY, undefined, 'batch finalize');
    for (let round = 0; round < 4; round++) {
      await sleep(100);
      await this.api('POST', '/v2/batch/pause', LIVE_KEY, { batch_name: names.pauseResume }, 'batch pause');
      await sleep(50);
      await this.api('POST', '/v2/batch/resume', LIVE_KEY, { batch_name: names.pauseResume }, 'batch resume');
    }
    await this.api('POST', '/v2/batch/cancel', LIVE_KEY, { batch_name: names.cancel }, 'batch cancel');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small seeded generator, so a failing run can be repeated with the same choices. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
