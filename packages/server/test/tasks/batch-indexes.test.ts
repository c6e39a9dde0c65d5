import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { createBatch, createProject, insertTasks, liveCaller, unique } from './helpers.ts';
import { TaskRepository } from '../../src/repositories/task.repository.ts';
import { dialectHelpers } from '../../src/db/dialect.ts';
import type { Database } from '../../src/db/schema.ts';

/**
 * Migration 0018: the task indexes on batch_id hold batched tasks only (`where batch_id is not
 * null`), so a task created outside a batch writes two index entries fewer. These tests show the
 * indexes are partial and that every repository query that reads tasks by batch still reads them
 * (EXPLAIN on the statements the repository actually sends, captured from Kysely's log).
 */
describeEachDatabase('task indexes on batch_id', (dialect) => {
  // Registered before the test server's own hooks, so these connections close before its database is dropped.
  after(async () => {
    await close?.();
  });
  const server = useTestServer(dialect);
  let batchId = '';
  let accountId = '';
  let kysely: Kysely<Database>;
  let explain: (query: CompiledQuery) => Promise<string>;
  let close: (() => Promise<void>) | undefined;
  const sent: CompiledQuery[] = [];

  before(async () => {
    const caller = await liveCaller(server.current);
    accountId = caller.account.id;
    const project = await createProject(server.current, { name: unique('batch-indexes') });
    const batch = await createBatch(server.current, project.name, unique('batch-indexes-batch'));
    batchId = batch.id;
    await insertTasks(server.current, 50, { projectId: project.id, accountId });
    await insertTasks(server.current, 20, { projectId: project.id, accountId, batchId });
    const log = (event: { level: string; query: CompiledQuery }) => {
      if (event.level === 'query') sent.push(event.query);
    };
    const { database } = server.current;
    if (dialect === 'sqlite') {
      const connection = new SQLite(database.sqliteFile!);
      kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }), log });
      explain = async (query) =>
        (connection.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
      close = async () => {
        await kysely.destroy();
        connection.close();
      };
    } else {
      const pool = new pg.Pool({ connectionString: database.databaseUrl, max: 1 });
      kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
      // A handful of rows make a sequential scan cheapest; with it off, the plan shows which index can serve the query.
      const client = new pg.Client({ connectionString: database.databaseUrl });
      await client.connect();
      await client.query('set enable_seqscan = off');
      explain = async (query) => (await client.query(`explain ${query.sql}`, query.parameters as unknown[])).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      close = async () => {
        await client.end();
        await kysely.destroy();
      };
    }
  });

  it('are partial: tasks without a batch have no entry in them', async () => {
    for (const name of ['tasks_batch_recent', 'tasks_batch_status']) {
      const definition =
        dialect === 'sqlite'
          ? ((await kysely.selectFrom('sqlite_master' as any).select('sql' as any).where('name' as any, '=', name).executeTakeFirstOrThrow()) as { sql: string }).sql
          : ((await kysely.selectFrom('pg_indexes' as any).select('indexdef' as any).where('indexname' as any, '=', name).executeTakeFirstOrThrow()) as { indexdef: string }).indexdef;
      assert.match(definition.toLowerCase(), /where \(?batch_id is not null\)?/, `${name}: ${definition}`);
    }
  });

  it("serve every repository read of a batch's tasks", async () => {
    const repository = new TaskRepository(kysely, dialectHelpers(dialect));
    const reads: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['page of a batch', () => repository.listStored(accountId, 'live', { batchId }, { limit: 10 }), /tasks_batch_recent/],
      ['pending task of a batch', () => repository.batchHasPendingTasks(batchId), /tasks_batch_(status|recent)/],
      ['any task of a batch', () => repository.batchHasAnyTask(batchId), /tasks_batch_(status|recent)/],
      ['rows of a batch (count)', () => repository.countRows(accountId, 'live', { batchId }), /tasks_batch_(status|recent)/],
    ];
    for (const [what, read, index] of reads) {
      sent.length = 0;
      const answer = await read();
      assert.ok(answer !== undefined, what);
      const onTasks = sent.filter((query) => /from "tasks"/.test(query.sql) && /batch_id/.test(query.sql));
      assert.ok(onTasks.length > 0, `${what}: a query on tasks by batch_id was sent (${sent.map((query) => query.sql).join(' | ')})`);
      for (const query of onTasks) assert.match(await explain(query), index, `${what}: ${query.sql}`);
    }
    assert.equal(await repository.countRows(accountId, 'live', { batchId }), 20);
    assert.equal(await repository.batchHasPendingTasks(batchId), true);
  });

  it("serve the bulk cancel of a batch's unstarted tasks (one update over a select of them in id order)", async () => {
    const repository = new TaskRepository(kysely, dialectHelpers(dialect));
    sent.length = 0;
    // Run in a transaction that is rolled back, so the other tests keep their tasks.
    await kysely
      .transaction()
      .execute(async (trx) => {
        assert.equal(await new TaskRepository(trx, dialectHelpers(dialect)).cancelUnstartedInBatch(batchId, Date.now()), 20);
        throw new Error('roll back');
      })
      .catch((error: Error) => assert.equal(error.message, 'roll back'));
    const onTasks = sent.filter((query) => /"tasks"/.test(query.sql) && /batch_id/.test(query.sql));
    assert.equal(onTasks.length, 1, sent.map((query) => query.sql).join(' | '));
    // It also asks for work_state = 'queued', whose tasks the label queue's index holds too: PostgreSQL may read that one.
    for (const query of onTasks) assert.match(await explain(query), /tasks_batch_(status|recent)|tasks_label_queue/, query.sql);
    assert.equal(await repository.countRows(accountId, 'live', { batchId }), 20);
  });
});
