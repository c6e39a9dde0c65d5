import type { Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { QueueSettings } from '../config.ts';
import type { AttemptKind, WorkKind } from '../db/tables/queue.ts';
import { UserRepository, type TeamRole } from '../repositories/user.repository.ts';
import type { Caller } from './account.service.ts';
import type { AttachmentLinkResolver } from './task.service.ts';
import type { TaskLifecycle } from './task-lifecycle.ts';
import type { AttachmentLinks } from '../presenters/task.presenter.ts';
import { QueueRepository, type HeldWork, type Lease, type NextContext, type QueueSource } from '../repositories/queue.repository.ts';
import { WorkRecordRepository, type Attempt, type Draft, type StoredDraft, type TaskWork } from '../repositories/work-record.repository.ts';
import { applyDraftParts, draftPathProblem, MAX_PARTS_PER_PATCH, type DraftPart } from '../domain/draft-parts.ts';
import { TaskRepository, type Task } from '../repositories/task.repository.ts';
import { ProjectRepository } from '../repositories/project.repository.ts';
import { BatchRepository } from '../repositories/batch.repository.ts';
import { QualityTaskRepository } from '../repositories/quality-task.repository.ts';
import { GroupCommitter } from '../db/group-commit.ts';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { MAX_STORED_INTEGER, objectBody, readString } from '../domain/lenient.ts';
import { validateResponse } from './response-validation.ts';
import { statedImageSize } from '../domain/image-size.ts';
import { consensus, pairAgreement } from './consensus.ts';
import { familyOf } from '../families/index.ts';
import { SubmissionReopener, recentSubmissions, type RecentSubmission } from './submission-reopen.ts';
import { OneStatementSubmitter } from './one-statement-submit.ts';
import { NextInOneStatement } from '../repositories/next-in-one-statement.ts';
import { ReleaseInOneStatement } from '../repositories/release-in-one-statement.ts';
import type { SessionLookup } from '../repositories/session.repository.ts';

/** The teammate doing the work (a signed-in user, or the account owner behind an API key). */
export interface Worker {
  userId: string;
  email: string;
  role: TeamRole;
  /** The account, in the live environment: test tasks never reach the queue. */
  caller: Caller;
}

/**
 * A caller known, so far, only by their session token's hash (PostgreSQL, routes whose first
 * statement reads the session: docs/work-queue.md, "The session read"). `admit` checks the session
 * row that statement read (undefined: none) as every session is checked, answering the worker or
 * throwing the 401/403 the request would have had; `read` reads and checks the session on its own,
 * for the paths that have no such statement. Nothing is cached.
 */
export interface SessionCaller {
  tokenHash: string;
  /** The instant and idle window `admit(found, now)` checks a session with, for SQL that checks it first (SessionService.admissionCheck). */
  sessionCheck(): { now: number; idleMs: number };
  admit(found: SessionLookup | undefined, at?: number): Promise<Worker>;
  read(): Promise<Worker>;
  /** sha256 (hex) of the CSRF token the request sent (null: none), for a write in SQL that admit's CSRF check must allow first (the release). */
  csrfDigest: string | null;
}

/** The worker behind a caller: itself, or the session read on its own. */
export function workerOf(caller: Worker | SessionCaller): Promise<Worker> {
  return 'tokenHash' in caller ? caller.read() : Promise.resolve(caller);
}

/** What a person has done since the start of their day (`GET queue/progress`). */
export interface WorkProgress {
  kind: WorkKind;
  since: string;
  done: number;
  project?: { name: string; done: number };
}

/** The task part of an assignment: a customer task, or a gold task that looks like one. */
export type WorkTask = Pick<Task, 'id' | 'type' | 'project_id' | 'project_name' | 'batch_name' | 'instruction' | 'params' | 'priority' | 'created_at'>;

/** One unit of work handed out by the queue (docs/app-api.md). */
export interface Assignment {
  lease: Lease;
  task: WorkTask;
  links?: AttachmentLinks;
  draft?: Draft;
  /** Review: the response under review. */
  response?: unknown;
  /** Reviewers' earlier comments on the task (review, and labeling after a rejection). */
  reviewComments?: string[];
}

export type SubmitState = 'completed' | 'review' | 'queued';

/** Waiting counts above this are reported as this (an index range read per project, bounded). */
export const WAITING_COUNT_CAP = 10_000;

/** How many leases on batched tasks a process remembers (QueueService.batchedLeases): more than its labelers hold at once. */
const BATCHED_LEASE_HINTS = 10_000;

/** Consensus projects that do not say how many attempts they want get this many. */
export const DEFAULT_CONSENSUS_ATTEMPTS = 2;

/**
 * The work queue (docs/work-queue.md): hands out the most urgent task a user may work, holds it for
 * them with a lease, takes drafts, skips and submissions, and runs the labeling pipeline (standard:
 * one attempt then review when asked; consensus: several independent attempts merged, or review on
 * disagreement). Completion goes through the task lifecycle, so callbacks, batch completion and
 * deliveries behave as for API-completed tasks.
 */
export class QueueService {
  private readonly queue: QueueRepository;
  private readonly records: WorkRecordRepository;
  private readonly tasks: TaskRepository;
  private readonly projects: ProjectRepository;
  private readonly goldTasks: QualityTaskRepository;
  /**
   * SQLite only: claims, releases and submissions arriving together share one transaction and one
   * commit (db/group-commit.ts); a commit cost more CPU than the statements of a claim. PostgreSQL
   * runs each in its own transaction, in parallel.
   */
  private readonly writeGroups: GroupCommitter | undefined;
  /** PostgreSQL only: most submissions as one unlocked read and one conditional write (one-statement-submit.ts). */
  private readonly oneStatement: OneStatementSubmitter | undefined;
  /** PostgreSQL only: `queue/next` (labeling, all projects) in one statement in the common case (next-in-one-statement.ts). */
  private readonly nextInOne: NextInOneStatement | undefined;
  private readonly releaseInOne: ReleaseInOneStatement | undefined;
  /**
   * Leases this process handed out on tasks in a batch, newest last (at most BATCHED_LEASE_HINTS): a
   * hint only. Their completion needs the locking transaction (batch completion), so their
   * submission goes there at once instead of reading first. A lease missing here (handed out by
   * another process, or forgotten) just tries the one-statement path, which falls back itself.
   */
  private readonly batchedLeases = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly settings: QueueSettings,
    private readonly lifecycle: TaskLifecycle,
    private readonly attachmentLinks: AttachmentLinkResolver | undefined,
    private readonly notifyWork: () => void,
    private readonly random: () => number = Math.random,
  ) {
    this.queue = new QueueRepository(db.kysely, db.dialect);
    this.records = new WorkRecordRepository(db.kysely, db.dialect);
    this.tasks = new TaskRepository(db.kysely, db.dialect);
    this.projects = new ProjectRepository(db.kysely);
    this.goldTasks = new QualityTaskRepository(db.kysely);
    this.writeGroups = db.dialect.name === 'sqlite' ? new GroupCommitter(db.kysely, (work) => lifecycle.transaction(db.kysely, work)) : undefined;
    this.oneStatement = db.dialect.name === 'postgres' ? new OneStatementSubmitter(db, settings, lifecycle) : undefined;
    this.nextInOne = db.dialect.name === 'postgres' ? new NextInOneStatement(db.kysely, db.dialect) : undefined;
    this.releaseInOne = db.dialect.name === 'postgres' ? new ReleaseInOneStatement(db.kysely) : undefined;
  }

  /**
   * Runs one write unit: grouped with concurrent ones on SQLite, else through `alone` (its own
   * transaction). A unit must be safe to run again from scratch (see GroupCommitter).
   */
  private write<T>(work: (trx: Kysely<Database>) => Promise<T>, alone: (work: (trx: Kysely<Database>) => Promise<T>) => Promise<T>): Promise<T> {
    return this.writeGroups ? this.writeGroups.run(work) : alone(work);
  }

  /** `write` for a unit that needs no retry on PostgreSQL: its own plain transaction there. */
  private writePlain<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.write(work, (unit) => this.db.kysely.transaction().execute(unit));
  }

  /** `GET queue/projects`: the caller's projects with how many tasks wait to be labeled and reviewed. */
  async projectsFor(worker: Worker): Promise<Array<{ name: string; type: string; waiting_label: number; waiting_review: number }>> {
    const projects = await this.queue.assignedProjects(worker.caller.account.id, worker.userId);
    return Promise.all(
      projects.map(async (project) => {
        const waiting = await this.queue.waitingCounts(project.id, WAITING_COUNT_CAP);
        return { name: project.name, type: project.type, waiting_label: waiting.label, waiting_review: waiting.review };
      }),
    );
  }

  /**
   * `GET queue/next`: the caller's current lease of this kind if they hold one (in the project, when
   * one is named), else a newly claimed task, else null. Labeling mixes in gold tasks at the
   * configured rate.
   */
  async next(worker: Worker, kind: WorkKind, projectName?: string): Promise<Assignment | null> {
    const now = Date.now();
    const projectId = projectName === undefined ? undefined : await this.projectIdByName(worker, projectName);
    // On PostgreSQL one statement (a round trip) reads all of this; the sweep runs only when a lease has expired.
    const context = await this.queue.nextContext(worker.caller.account.id, worker.userId, kind, now, projectId);
    return this.nextFrom(worker, kind, projectName, projectId, context, now);
  }

  /**
   * `next` for a caller whose session is still to be checked, across all their projects: on
   * PostgreSQL the context read reads the session too (one round trip for both), and nothing of it is
   * used before the session is admitted.
   */
  async nextForSession(caller: SessionCaller, kind: WorkKind): Promise<{ worker: Worker; assignment: Assignment | null }> {
    if (this.db.dialect.name !== 'postgres') {
      const worker = await caller.read();
      return { worker, assignment: await this.next(worker, kind) };
    }
    const now = Date.now();
    if (kind === 'label' && this.nextInOne) return this.nextInOneStatement(caller, now);
    const { session, ...context } = await this.queue.nextContextForSession(caller.tokenHash, kind, now);
    const worker = await caller.admit(session);
    return { worker, assignment: await this.nextFrom(worker, kind, undefined, undefined, context, now) };
  }

  /**
   * PostgreSQL labeling: `nextForSession` whose one statement also claims from the top source in the
   * common case (next-in-one-statement.ts), a round trip less. The gold draw is made first (the
   * statement claims nothing when it picks gold) and reused by the rest of `next`. The session row
   * is admitted, at the instant the statement checked it, before anything else is used; the
   * statement's check is admit's, so a refusal after a claim cannot happen, but if it ever did the
   * lease is ended and the task requeued before the 401 goes out.
   */
  private async nextInOneStatement(caller: SessionCaller, now: number): Promise<{ worker: Worker; assignment: Assignment | null }> {
    const gold = this.settings.goldRate > 0 ? this.random() < this.settings.goldRate : undefined;
    const check = caller.sessionCheck();
    const leaseId = newId(now);
    const { session, tried, claimed, ...context } = await this.nextInOne!.run({
      tokenHash: caller.tokenHash, session: check, claimAllowed: gold !== true, leaseId, now, expiresAt: now + this.settings.leaseMs, skipCutoff: now - this.settings.skipCooldownMs,
    });
    let worker: Worker;
    try {
      worker = await caller.admit(session, check.now);
    } catch (refused) {
      if (claimed) await this.queue.releaseLease(claimed.lease, now, (work) => this.writePlain(work));
      throw refused;
    }
    if (claimed?.read) {
      const assignment = await this.assemble(worker, claimed.lease, claimed.read.task.status === 'pending' ? claimed.read.task : undefined, claimed.read.draft);
      if (assignment) return { worker, assignment };
    }
    return { worker, assignment: await this.nextFrom(worker, 'label', undefined, undefined, context, now, { gold, triedTopTier: tried }) };
  }

  /**
   * The rest of `next` once its context is read. `drawn`: what the one-statement next already did
   * (its gold draw; whether it tried the top tier's one source, which then had nothing).
   */
  private async nextFrom(
    worker: Worker,
    kind: WorkKind,
    projectName: string | undefined,
    projectId: string | undefined,
    context: NextContext,
    now: number,
    drawn: { gold?: boolean; triedTopTier?: boolean } = {},
  ): Promise<Assignment | null> {
    const { expired, projects, held, sources: knownSources } = context;
    if (expired) await this.queue.sweepExpiredLeases(now);
    if (projectName !== undefined && projects.length === 0) {
      throw new Forbidden(`You are not assigned to project "${projectName}"; a manager can assign you with POST studio/assignments/add.`);
    }

    if (held) {
      const assignment = await this.assignmentFor(worker, held);
      if (assignment && (projectId === undefined || assignment.task.project_id === projectId)) return assignment;
      // Asking for another project (or the task went away): give the old one back, draft kept.
      await this.db.kysely.transaction().execute((trx) => this.queue.endLease(trx, held, now, { requeue: true }));
    }
    if (projects.length === 0) return null;
    const projectIds = projects.map((project) => project.id);
    const skipCutoff = now - this.settings.skipCooldownMs;

    if (kind === 'label' && this.settings.goldRate > 0 && (drawn.gold ?? this.random() < this.settings.goldRate)) {
      const gold = await this.claimGold(worker, projectIds, now, skipCutoff);
      if (gold) return gold;
    }

    const sources = knownSources ?? (await this.queue.sources(projectIds, worker.userId, kind));
    const tiers = rankTiers(sources);
    for (const tier of drawn.triedTopTier ? tiers.slice(1) : tiers) {
      // Within a tier (same Studio and batch priority) the source whose first task is most urgent goes first.
      const ordered = tier.length === 1 ? tier : (await this.queue.heads(tier, worker.userId, kind, skipCutoff)).sort(compareHeads).map((head) => head.source);
      for (const source of ordered) {
        const claim = { accountId: worker.caller.account.id, userId: worker.userId, kind, leaseId: newId(now), now, expiresAt: now + this.settings.leaseMs, skipCutoff };
        const claimed = await this.queue.claimAndLease(source, claim, (work) => this.writePlain(work));
        if (!claimed) continue;
        // On PostgreSQL the claim read the task and the draft itself.
        const assignment = claimed.read
          ? await this.assemble(worker, claimed.lease, claimed.read.task.status === 'pending' ? claimed.read.task : undefined, claimed.read.draft)
          : await this.assignmentFor(worker, claimed.lease);
        if (assignment) return assignment;
      }
    }
    return null;
  }

  /** `POST leases/:id/renew`: a later expiry for the caller's unexpired lease. */
  async renew(worker: Worker, leaseId: string): Promise<Lease> {
    const now = Date.now();
    const lease = await this.queue.renewLease(leaseId, worker.userId, now, now + this.settings.leaseMs);
    if (!lease) throw leaseLost(leaseId);
    return lease;
  }

  /** `POST leases/:id/release`: the task goes back to the queue; the draft stays. */
  async release(worker: Worker, leaseId: string): Promise<void> {
    const now = Date.now();
    const released = await this.queue.releaseLease({ id: leaseId, user_id: worker.userId }, now, (work) => this.writePlain(work));
    if (!released) throw leaseLost(leaseId);
  }

  /**
   * `release` for a caller known by session token only. PostgreSQL: the session read, its checks and
   * the release in one statement (release-in-one-statement.ts), one round trip less; the statement
   * releases only for a session and CSRF token that `admit` then lets through, so a 401 or 403 still
   * leaves the lease as it was. SQLite: the session read on its own, then `release`.
   */
  async releaseForSession(caller: SessionCaller, leaseId: string): Promise<void> {
    if (!this.releaseInOne) return this.release(await caller.read(), leaseId);
    const check = caller.sessionCheck();
    const { session, released } = await this.releaseInOne.run({ tokenHash: caller.tokenHash, session: check, csrfDigest: caller.csrfDigest, leaseId, now: Date.now() });
    await caller.admit(session, check.now);
    if (!released) throw leaseLost(leaseId);
  }

  /**
   * `POST tasks/:id/reopen`: takes back the caller's submission of a task nobody has acted on yet
   * (submission-reopen.ts says exactly when) and leases the task to them again with the submitted
   * response as their draft; any other label task they hold goes back to the queue.
   */
  async reopen(worker: Worker, taskId: string): Promise<Assignment> {
    const now = Date.now();
    const reopener = new SubmissionReopener(this.db.dialect);
    const request = { accountId: worker.caller.account.id, userId: worker.userId, taskId, now, leaseMs: this.settings.leaseMs, windowMs: this.settings.reopenWindowMs };
    const lease = await this.writePlain((trx) => reopener.reopen(trx, request));
    const assignment = await this.assignmentFor(worker, lease);
    if (!assignment) throw new NotFound(`No task with id "${taskId}" exists.`);
    return assignment;
  }

  /** `GET queue/recent`: the caller's label submissions within the reopen window, newest first, each saying whether it can be reopened. */
  recent(worker: Worker, limit: number): Promise<RecentSubmission[]> {
    return recentSubmissions(this.db.kysely, this.db.dialect, { accountId: worker.caller.account.id, userId: worker.userId, now: Date.now(), windowMs: this.settings.reopenWindowMs, limit });
  }

  /** `POST tasks/:id/draft`: stores the caller's work in progress (any JSON) under their lease. */
  async saveDraft(worker: Worker, taskId: string, rawBody: unknown): Promise<number> {
    const body = objectBody(rawBody);
    const leaseId = requiredLeaseId(body);
    if (!('response' in body)) throw new InvalidRequest("Missing required parameter 'response': the work in progress to keep.");
    const now = Date.now();
    await this.requireLease(worker, taskId, leaseId, now);
    await this.records.saveDraft(taskId, worker.userId, body.response, now);
    return now;
  }

  /**
   * `PATCH tasks/:id/draft`: stores parts of the caller's draft (domain/draft-parts.ts) under their
   * lease. A part older than the stored one at its path (a late patch, or another tab's later edit)
   * is not stored; answers those paths as `stale`.
   */
  async saveDraftParts(worker: Worker, taskId: string, rawBody: unknown): Promise<{ savedAt: number; stale: string[] }> {
    const body = objectBody(rawBody);
    const leaseId = requiredLeaseId(body);
    const parts = readDraftParts(body.parts);
    const now = Date.now();
    await this.requireLease(worker, taskId, leaseId, now);
    const stored = await this.records.saveDraftParts(taskId, worker.userId, parts, now);
    return { savedAt: now, stale: parts.filter((part) => !stored.has(part.path)).map((part) => part.path) };
  }

  /** `POST tasks/:id/skip`: gives the task back with a reason; the caller is not handed it again during the skip cool-down. */
  async skip(worker: Worker, taskId: string, rawBody: unknown): Promise<void> {
    const body = objectBody(rawBody);
    const leaseId = requiredLeaseId(body);
    const reason = readString(body.reason, 'reason')?.trim();
    if (!reason) throw new InvalidRequest("Missing required parameter 'reason': why the task is skipped (for example \"Image does not load\").");
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const lease = await this.lockOwnLease(trx, worker, taskId, leaseId, now);
      await new WorkRecordRepository(trx, this.db.dialect).insertSkip({ id: newId(now), task_id: taskId, task_source: lease.task_source, user_id: worker.userId, kind: lease.kind, reason: reason.slice(0, 2000), skipped_at: now });
      await this.queue.endLease(trx, lease, now, { requeue: true });
    });
  }

  /**
   * `POST tasks/:id/submit`: records the attempt and moves the task along its pipeline. Answers where
   * it went: `completed`, `review` or `queued` (more consensus attempts needed).
   */
  async submit(caller: Worker | SessionCaller, taskId: string, rawBody: unknown): Promise<SubmitState> {
    const body = objectBody(rawBody);
    const leaseId = requiredLeaseId(body);
    if (!('response' in body)) throw new InvalidRequest("Missing required parameter 'response': the labeled response.");
    const timeSpentMs = readTimeSpent(body.time_spent_secs);
    const now = Date.now();
    // PostgreSQL: one conditional write without a transaction, unless the submission needs the locking
    // one; its read checks a session still to be checked.
    const { worker, written } = this.oneStatement && !this.batchedLeases.delete(leaseId)
      ? await this.oneStatement.submit(caller, taskId, leaseId, body.response, timeSpentMs, now)
      : { worker: await workerOf(caller), written: undefined };
    if (written) {
      if (written.callbacks) this.notifyWork();
      return written.state;
    }
    // Result files (masks) are rendered outside the transaction, so rendering holds no lock: a
    // submission of a type that renders them first runs the transaction up to the point where it
    // knows its task (writing nothing), renders, then runs it again (see prepareCompletion).
    let prepared = false;
    for (;;) {
      const outcome = await this.submitUnit(worker, taskId, leaseId, body.response, timeSpentMs, now, prepared);
      if ('prepare' in outcome) {
        await this.prepareCompletion(outcome.prepare.task, body.response, outcome.prepare.required);
        prepared = true;
        continue;
      }
      // The worker is woken only when the completion queued a callback for it to send.
      if (outcome.callbacks) this.notifyWork();
      return outcome.state;
    }
  }

  /**
   * The submission's transaction. Answers `prepare` (having written nothing) when the task's result
   * files should be rendered first and `prepared` says they have not been.
   */
  private submitUnit(
    worker: Worker,
    taskId: string,
    leaseId: string,
    response: unknown,
    timeSpentMs: number,
    now: number,
    prepared: boolean,
  ): Promise<{ state: SubmitState; callbacks: boolean } | { prepare: { task: Task; required: number } }> {
    // The lifecycle's transaction runs again when PostgreSQL picks it as a deadlock victim.
    return this.write(async (trx) => {
      // One statement locks the lease row and reads everything the submission needs (task, pipeline,
      // pipeline state, account callback URL). Only the lease row is locked up front: the lifecycle
      // locks the batch and then the task when (and only if) this submission completes the task, so
      // completions of one batch, which queue on that batch lock, wait for the completing statements
      // alone, not for the attempt bookkeeping. Whoever changes the task's state meanwhile (a
      // failure) is caught by the lifecycle's check under the task lock.
      const held = await this.queue.lockLeaseForSubmit(trx, leaseId);
      checkLease(held?.lease, worker, taskId, leaseId, now, 'label');
      const { lease, task } = held!;
      if (lease.task_source === 'gold') return { state: await this.submitGold(trx, worker, lease, response, timeSpentMs, now), callbacks: false };
      checkSubmittedTask(task, worker, taskId, response);
      const { required, work, attempt } = labelSubmission(held!, task, worker, response, timeSpentMs, now);
      if (!prepared && work.attempts + 1 >= required && familyOf(task.type)?.renderResults && !reviewRequired(task)) return { prepare: { task, required } };
      const records = new WorkRecordRepository(trx, this.db.dialect);
      const plan = await planSubmission(task, work, required, response, this.settings.consensusThreshold, () => records.roundAttempts(task.id, work.round));
      await records.recordSubmission(attempt, leaseId, plan.work, now);
      if (plan.to !== 'completed') {
        await this.queue.moveWorkState(trx, task.id, plan.to);
        return { state: plan.to, callbacks: false };
      }
      // The lifecycle completes it only while it is still in_progress, checked under its row lock.
      await this.lifecycle.completeWorked(trx, task, plan.response, 'in_progress', { accountCallbackUrl: held!.accountCallbackUrl });
      return { state: 'completed' as const, callbacks: this.lifecycle.queuedCallbacks(trx) };
    }, (unit) => this.lifecycle.transaction(this.db.kysely, unit));
  }

  /**
   * Writes ahead, outside the submission's transaction (which then holds no lock while they render),
   * the result files (masks) of the response the submission is expected to complete its task with:
   * when it is the last attempt of its round, the round agrees (consensus) and no review is required.
   * The transaction decides again; when it decides otherwise, it renders what it stores itself.
   */
  private async prepareCompletion(task: Task, response: unknown, required: number): Promise<void> {
    if (!familyOf(task.type)?.renderResults || reviewRequired(task)) return;
    const work = await this.records.findWork(task.id);
    if ((work?.attempts ?? 0) + 1 < required) return;
    let candidate = response;
    if (required > 1) {
      // As the transaction will: the round's attempts in submission order, this one last.
      const attempts = await this.records.roundAttempts(task.id, work?.round ?? 0);
      const result = consensus(task.type, task.params, [...attempts.map((attempt) => attempt.response), response]);
      if (result.agreement < this.settings.consensusThreshold) return;
      candidate = result.merged;
    }
    await this.lifecycle.prepareResults(task, candidate);
  }

  /** The unit of work behind a lease, or undefined when its task is gone or no longer workable. */
  async assignmentFor(worker: Worker, lease: Lease): Promise<Assignment | undefined> {
    // The draft is read beside the task (both keyed by the lease's task id): one round trip of waiting, not two.
    const [task, draft] = await Promise.all([
      lease.task_source === 'gold' ? this.goldTasks.findById(worker.caller.account.id, 'live', lease.task_id) : this.pendingTask(worker, lease.task_id),
      this.records.findDraft(lease.task_id, worker.userId),
    ]);
    return this.assemble(worker, lease, task, draft);
  }

  /**
   * An assignment from its lease, task (undefined when gone or no longer pending) and the user's
   * draft as stored, with its parts (findDraft, or the PostgreSQL claim's read of both tables).
   */
  private async assemble(worker: Worker, lease: Lease, task: WorkTask | undefined, draft: StoredDraft | undefined): Promise<Assignment | undefined> {
    if (!task) return undefined;
    if (this.oneStatement && lease.kind === 'label' && lease.task_source === 'task' && (task as Task).batch_id !== null) {
      this.batchedLeases.add(lease.id);
      if (this.batchedLeases.size > BATCHED_LEASE_HINTS) this.batchedLeases.delete(this.batchedLeases.values().next().value!);
    }
    const [links, reviewComments, work] = await Promise.all([
      this.attachmentLinks ? this.attachmentLinks.resolve(worker.caller, [task as Task]) : Promise.resolve(new Map<string, AttachmentLinks>()),
      // Only reviewed tasks have comments, and every review leaves an audits entry.
      lease.task_source === 'task' && (task as Task).audits !== null ? this.records.reviewComments(task.id) : Promise.resolve([]),
      lease.kind === 'review' ? this.records.findWork(task.id) : Promise.resolve(undefined),
    ]);
    const assignment: Assignment = { lease, task, links: links.get(task.id), draft: draft && wholeDraft(draft) };
    if (reviewComments.length > 0) assignment.reviewComments = reviewComments;
    if (lease.kind === 'review') assignment.response = work?.pending_response ?? null;
    return assignment;
  }

  /**
   * The teammate an app request acts for: the signed-in user, or for an API key (live only) the
   * account owner (its first admin teammate), as API audits are recorded.
   */
  async workerFor(appUser: { userId?: string; email?: string; role: TeamRole }, caller: Caller): Promise<Worker> {
    if (caller.environment !== 'live') {
      throw new Forbidden('The work queue serves live tasks only: test-mode tasks never reach labelers. Use a live key or sign in.');
    }
    if (appUser.userId && appUser.email) return { userId: appUser.userId, email: appUser.email, role: appUser.role, caller };
    const teammates = await new UserRepository(this.db.kysely).listByAccount(caller.account.id);
    const owner = teammates.find((user) => user.role === 'admin') ?? teammates[0];
    if (!owner) throw new Forbidden('The work queue needs a teammate: sign in, or give the account an admin teammate.');
    return { userId: owner.id, email: owner.email, role: 'admin', caller };
  }

  // Internals shared with the review service.

  /** The caller's unexpired lease on this task (of this kind), read without locking; 409 otherwise. */
  async requireLease(worker: Worker, taskId: string, leaseId: string, now: number, kind?: WorkKind): Promise<Lease> {
    const lease = await this.queue.findLease(leaseId);
    checkLease(lease, worker, taskId, leaseId, now, kind);
    return lease!;
  }

  /** Locks the caller's lease row inside a transaction and checks it again; 409 when it is no longer theirs. */
  async lockOwnLease(trx: Kysely<Database>, worker: Worker, taskId: string, leaseId: string, now: number, kind?: WorkKind): Promise<Lease> {
    const lease = await this.queue.lockLease(trx, leaseId);
    checkLease(lease, worker, taskId, leaseId, now, kind);
    return lease!;
  }

  /**
   * Takes the locks a pipeline step needs, in the one order used everywhere (lease, batch, task;
   * docs/tasks.md), checks the lease under them, and returns the task as it now stands; 409 when the
   * task left the expected state (canceled, failed) while the caller held it, with the locked lease. The lease comes first
   * because a release and the expiry sweep delete the lease and then requeue the task: a review that
   * held the task while waiting for its lease deadlocked with a release of that lease.
   */
  async lockWork(trx: Kysely<Database>, worker: Worker, task: Task, leaseId: string, now: number, expectedState: 'in_progress' | 'reviewing'): Promise<{ current: Task; lease: Lease }> {
    const lease = await this.lockOwnLease(trx, worker, task.id, leaseId, now);
    if (task.batch_id !== null) await new BatchRepository(trx).lock(task.batch_id, this.db.dialect.forUpdate);
    const tasks = new TaskRepository(trx, this.db.dialect);
    await tasks.lock(task.id);
    const current = await tasks.findById(task.account_id, task.environment, task.id);
    if (!current || current.status !== 'pending' || current.work_state !== expectedState) {
      throw new Conflict(`Task ${task.id} is no longer waiting for this work (its status is ${current?.status ?? 'unknown'}); ask for the next task.`);
    }
    return { current, lease };
  }

  private async submitGold(trx: Kysely<Database>, worker: Worker, lease: Lease, response: unknown, timeSpentMs: number, now: number): Promise<SubmitState> {
    const gold = await new QualityTaskRepository(trx).findById(worker.caller.account.id, 'live', lease.task_id);
    if (!gold) throw new NotFound(`No task with id "${lease.task_id}" exists.`);
    validateResponse(gold.type, gold.params, response);
    const score = gold.expected_response === null ? null : pairAgreement(gold.type, gold.params, gold.expected_response, response);
    const records = new WorkRecordRepository(trx, this.db.dialect);
    await records.insertAttempt({
      id: newId(now),
      account_id: gold.account_id,
      project_id: gold.project_id,
      task_id: gold.id,
      user_id: worker.userId,
      kind: 'gold',
      round: 0,
      attempt_no: null,
      response,
      started_at: lease.started_at,
      submitted_at: now,
      time_spent_ms: timeSpentMs,
      score,
      result: null,
      comments: null,
    });
    if (score !== null) await records.addGoldScore({ userId: worker.userId, projectId: gold.project_id, accountId: gold.account_id, score, now });
    await this.queue.deleteLease(trx, lease.id);
    await records.deleteDraft(gold.id, worker.userId);
    // A gold task looks like any other to the labeler: it is simply done.
    return 'completed';
  }

  private async claimGold(worker: Worker, projectIds: readonly string[], now: number, skipCutoff: number): Promise<Assignment | undefined> {
    const goldId = await this.queue.nextGoldTaskId(projectIds, worker.userId, skipCutoff);
    if (!goldId) return undefined;
    const lease: Lease = {
      id: newId(now),
      account_id: worker.caller.account.id,
      task_id: goldId,
      task_source: 'gold',
      user_id: worker.userId,
      kind: 'label',
      started_at: now,
      expires_at: now + this.settings.leaseMs,
    };
    if (!(await this.queue.insertGoldLease(lease))) return undefined;
    return this.assignmentFor(worker, lease);
  }

  private async pendingTask(worker: Worker, taskId: string): Promise<Task | undefined> {
    const task = await this.tasks.findById(worker.caller.account.id, 'live', taskId);
    return task && task.status === 'pending' ? task : undefined;
  }

  private async projectIdByName(worker: Worker, name: string): Promise<string> {
    const project = await this.projects.findByName(worker.caller.account.id, 'live', name);
    if (!project) throw new NotFound(`No project named "${name}" exists.`);
    return project.id;
  }

  /**
   * `GET queue/progress`: how many tasks the caller submitted (label: labels and gold answers; review:
   * review decisions) since `since`, the start of their day in their own time zone, in all projects and in one.
   */
  async progress(worker: Worker, kind: WorkKind, since: number, projectName?: string): Promise<WorkProgress> {
    const projectId = projectName === undefined ? undefined : await this.projectIdByName(worker, projectName);
    const kinds: AttemptKind[] = kind === 'review' ? ['review'] : ['label', 'gold'];
    const counts = await this.records.countSubmittedSince(worker.userId, kinds, since, projectId);
    return { kind, since: new Date(since).toISOString(), done: counts.all, ...(projectName === undefined ? {} : { project: { name: projectName, done: counts.inProject } }) };
  }

  /** Gold scores of a project's labelers (reviewers and managers look at these). */
  async goldScores(worker: Worker, projectName: string): Promise<Array<{ email: string; gold_attempts: number; average_score: number }>> {
    const projectId = await this.projectIdByName(worker, projectName);
    const rows = await this.records.projectQuality(projectId);
    return rows.map((row) => ({ email: row.email, gold_attempts: row.gold_attempts, average_score: row.gold_attempts > 0 ? row.score_sum / row.gold_attempts : 0 }));
  }
}

/** Sources grouped by rank (Studio place first, then batch priority, higher first), most urgent tier first. */
export function rankTiers(sources: readonly QueueSource[]): QueueSource[][] {
  const key = (source: QueueSource) => [source.studio_priority ?? Number.POSITIVE_INFINITY, -(source.batch_priority ?? Number.NEGATIVE_INFINITY)] as const;
  const sorted = [...sources].sort((a, b) => {
    const [studioA, priorityA] = key(a);
    const [studioB, priorityB] = key(b);
    return studioA - studioB || priorityA - priorityB || 0;
  });
  const tiers: QueueSource[][] = [];
  for (const source of sorted) {
    const last = tiers.at(-1);
    if (last && key(last[0])[0] === key(source)[0] && key(last[0])[1] === key(source)[1]) last.push(source);
    else tiers.push([source]);
  }
  return tiers;
}

function compareHeads(a: { priority: number | null; created_at: number; task_id: string }, b: typeof a): number {
  const priorityA = a.priority ?? Number.NEGATIVE_INFINITY;
  const priorityB = b.priority ?? Number.NEGATIVE_INFINITY;
  if (priorityA !== priorityB) return priorityB - priorityA;
  if (a.created_at !== b.created_at) return a.created_at - b.created_at;
  return a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0;
}

/** A task asks for review when its params say `review: true` (inherited from the project's params like any other key). */
export function reviewRequired(task: Pick<Task, 'params'>): boolean {
  const value = task.params.review;
  return value === true || value === 1 || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * A label submission's place in its round, from what the submission read: how many attempts the
 * pipeline wants, the task's pipeline state (fresh before its first submission), and the attempt
 * row this submission adds. Shared by QueueService.submitUnit and, on PostgreSQL, OneStatementSubmitter.
 */
export function labelSubmission(held: HeldWork, task: Task, worker: Worker, response: unknown, timeSpentMs: number, now: number): { required: number; work: TaskWork; attempt: Attempt } {
  const required = held.pipeline === 'consensus_task' ? Math.max(1, held.consensus_attempts ?? DEFAULT_CONSENSUS_ATTEMPTS) : 1;
  const work: TaskWork = held.work ?? { task_id: task.id, round: 0, attempts: 0, pending_response: null, review_reason: null, agreement: null };
  const attempt: Attempt = {
    id: newId(now),
    account_id: task.account_id,
    project_id: task.project_id,
    task_id: task.id,
    user_id: worker.userId,
    kind: 'label',
    round: work.round,
    attempt_no: work.attempts + 1,
    response,
    started_at: held.lease.started_at,
    submitted_at: now,
    time_spent_ms: timeSpentMs,
    score: null,
    result: null,
    comments: null,
  };
  return { required, work, attempt };
}

/** 404 for a task that is gone or not the worker's account's live task; 400 for a response of the wrong shape; 409 for a task no longer in progress. */
export function checkSubmittedTask(task: Task | undefined, worker: Worker, taskId: string, response: unknown): asserts task is Task {
  if (!task || task.account_id !== worker.caller.account.id || task.environment !== 'live') throw new NotFound(`No task with id "${taskId}" exists.`);
  validateResponse(task.type, task.params, response, { imageSize: statedImageSize(task.metadata) });
  if (task.status !== 'pending' || task.work_state !== 'in_progress') {
    throw new Conflict(`Task ${task.id} is no longer waiting for this work (its status is ${task.status}); ask for the next task.`);
  }
}

/** Where a label submission takes its task, and the pipeline state it leaves (see planSubmission). */
export type SubmissionPlan = { to: 'queued' | 'review'; work: TaskWork } | { to: 'completed'; work: TaskWork; response: unknown };

/**
 * The pipeline's decision for a label submission: back to the queue while the round wants more
 * attempts; review when the round disagrees or the task asks for it; else completed with the
 * (merged) response. `roundAttempts` reads the round's earlier attempts, only when a consensus
 * round ends (this attempt is not written yet; it comes last in attempt order).
 */
export async function planSubmission(task: Task, work: TaskWork, required: number, response: unknown, consensusThreshold: number, roundAttempts: () => Promise<ReadonlyArray<{ response: unknown }>>): Promise<SubmissionPlan> {
  const attemptNo = work.attempts + 1;
  if (attemptNo < required) return { to: 'queued', work: { ...work, attempts: attemptNo } };
  let candidate = response;
  let agreement: number | null = null;
  if (required > 1) {
    const result = consensus(task.type, task.params, [...(await roundAttempts()).map((entry) => entry.response), response]);
    candidate = result.merged;
    agreement = result.agreement;
  }
  const reason = agreement !== null && agreement < consensusThreshold ? 'disagreement' : reviewRequired(task) ? 'required' : null;
  if (reason) return { to: 'review', work: { task_id: task.id, round: work.round, attempts: attemptNo, pending_response: candidate, review_reason: reason, agreement } };
  return { to: 'completed', work: { task_id: task.id, round: work.round + 1, attempts: 0, pending_response: null, review_reason: null, agreement }, response: candidate };
}

/** The lease checks every use of a lease makes (409 naming what is wrong). */
export function checkLease(lease: Lease | undefined, worker: Worker, taskId: string, leaseId: string, now: number, kind?: WorkKind): void {
  if (!lease || lease.expires_at <= now) throw leaseLost(leaseId);
  if (lease.user_id !== worker.userId) throw new Conflict(`Lease ${leaseId} is held by someone else; ask for the next task.`);
  if (lease.task_id !== taskId) throw new Conflict(`Lease ${leaseId} is for task ${lease.task_id}, not ${taskId}.`);
  if (kind !== undefined && lease.kind !== kind) throw new Conflict(`Lease ${leaseId} is for ${lease.kind} work, not ${kind}.`);
}

function leaseLost(leaseId: string): Conflict {
  return new Conflict(`Lease ${leaseId} has expired or was released (or is not yours); ask for the next task.`);
}

/** A stored draft as the labeler gets it back: the whole draft with the parts saved since set over it. */
function wholeDraft(stored: StoredDraft): Draft {
  const times = [stored.base?.updated_at ?? 0, ...stored.parts.map((part) => part.updated_at)];
  return { response: applyDraftParts(stored.base?.response, stored.parts), updated_at: Math.max(...times) };
}

/** A patch's `parts`: `[{path, value, revision}]`, one per path (the latest revision when a path repeats). */
function readDraftParts(value: unknown): DraftPart[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRequest("Missing required parameter 'parts': a non-empty list of {path, value, revision}.");
  if (value.length > MAX_PARTS_PER_PATCH) throw new InvalidRequest(`Invalid value for 'parts': at most ${MAX_PARTS_PER_PATCH} parts a patch.`);
  const byPath = new Map<string, DraftPart>();
  value.forEach((entry: unknown, index) => {
    const part = entry as Record<string, unknown>;
    if (typeof part !== 'object' || part === null || Array.isArray(part)) throw new InvalidRequest(`Invalid value for 'parts[${index}]': expected an object {path, value, revision}.`);
    const problem = draftPathProblem(part.path);
    if (problem) throw new InvalidRequest(`Invalid value for 'parts[${index}].path': ${problem}.`);
    if (!('value' in part)) throw new InvalidRequest(`Missing required parameter 'parts[${index}].value': the JSON to keep at the path.`);
    if (!Number.isSafeInteger(part.revision) || (part.revision as number) < 1) throw new InvalidRequest(`Invalid value for 'parts[${index}].revision': expected a whole number from 1 (a later edit has a larger one).`);
    const path = part.path as string;
    const revision = part.revision as number;
    if ((byPath.get(path)?.revision ?? 0) <= revision) byPath.set(path, { path, value: part.value, revision });
  });
  return [...byPath.values()];
}

function requiredLeaseId(body: Record<string, unknown>): string {
  const leaseId = readString(body.lease_id, 'lease_id');
  if (!leaseId) throw new InvalidRequest("Missing required parameter 'lease_id': the lease from queue/next.");
  return leaseId;
}

/** `time_spent_secs` as whole milliseconds; absent means 0. */
export function readTimeSpent(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  // At most the stored integer range in seconds (68 years): the milliseconds must fit a 64-bit column.
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_STORED_INTEGER) {
    throw new InvalidRequest(`Invalid value for 'time_spent_secs': expected a number of seconds from 0 to ${MAX_STORED_INTEGER}.`);
  }
  return Math.round(seconds * 1000);
}
