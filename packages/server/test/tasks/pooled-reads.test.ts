import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { TaskRepository } from '../../src/repositories/task.repository.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createProject, unique, validBody } from './helpers.ts';

/**
 * The task read by id (`GET task/{id}`) made on the database itself skips Kysely: on SQLite it runs
 * on a committed-read connection (db/committed-reader.ts), on PostgreSQL straight on the pool
 * (db/pooled-reads.ts). It must answer exactly what the same read through Kysely on a transaction
 * answers, and stay scoped to the account and environment.
 */
describeEachDatabase('task read by id outside Kysely', (dialect) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(dialect);
  });
  after(async () => {
    await server.close();
  });

  it('runs no statement through Kysely, and answers what a read on a transaction answers, scoped', async () => {
    const project = unique('pooled');
    await createProject(server, { name: project });
    const created = await server.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), project, metadata: { k: [1, 'two'] } } });
    assert.equal(created.status, 200, created.text);
    const id: string = created.body.task_id;
    const { kysely, dialect: helpers } = server.server.services.db;
    const { account_id: accountId } = await kysely.selectFrom('tasks').select('account_id').where('id', '=', id).executeTakeFirstOrThrow();

    const throughKysely = kysely.executeQuery.bind(kysely);
    let calls = 0;
    kysely.executeQuery = ((...args: Parameters<typeof throughKysely>) => {
      calls += 1;
      return throughKysely(...args);
    }) as typeof kysely.executeQuery;
    let row;
    try {
      row = await new TaskRepository(kysely, helpers).findStoredRowById(accountId, 'live', id);
    } finally {
      delete (kysely as { executeQuery?: unknown }).executeQuery;
    }
    assert.equal(calls, 0, 'the read went through Kysely');

    const onTransaction = await kysely.transaction().execute((trx) => new TaskRepository(trx, helpers).findStoredRowById(accountId, 'live', id));
    assert.ok(onTransaction);
    assert.deepEqual(row, onTransaction);

    const repository = new TaskRepository(kysely, helpers);
    assert.equal(await repository.findStoredRowById(accountId, 'test', id), undefined);
    assert.equal(await repository.findStoredRowById('another-account', 'live', id), undefined);
    assert.equal(await repository.findStoredRowById(accountId, 'live', `${id}x`), undefined);
  });
});
