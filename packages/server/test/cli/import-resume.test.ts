import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';
import { connect, type Db } from '../../src/db/connect.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tagwright.js');
/** Enough records that the import is still running when the test kills it, on a fast machine too. */
const RECORDS = 20_000;

// `tagwright import` promises that an interrupted import is finished by running it again: records whose
// unique_id is already stored are skipped. Here the first run dies by SIGKILL (no clean-up of any kind)
// partway through, and the rerun must leave every record exactly once.
describeEachDatabase('An import killed partway and run again', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let db: Db;
  let file: string;

  before(async () => {
    database = await createTestDatabase(dialect);
    dataDir = database.sqliteFile ? path.dirname(database.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-import-'));
    env = { ...process.env, TAGWRIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    for (const name of Object.keys(env)) if (name.startsWith('TAGWRIGHT_BOOTSTRAP') || name === 'DATABASE_URL') delete env[name];
    if (database.databaseUrl) env.DATABASE_URL = database.databaseUrl;
    file = path.join(dataDir, 'tasks.jsonl');
    const lines = Array.from({ length: RECORDS }, (_, index) =>
      JSON.stringify({ type: 'categorization', attachment: `https://cdn.example.com/${index}.jpg`, categories: ['cat', 'dog'], unique_id: `resume-${index}` }),
    );
    fs.writeFileSync(file, lines.join('\n') + '\n');
  });

  after(async () => {
    await db?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function storedTasks(): Promise<number> {
    const row = await db.kysely.selectFrom('tasks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('leaves no duplicate and no gap', async () => {
    const created = JSON.parse(execFileSync(process.execPath, [BIN, '--json', 'accounts', 'create', '--name', 'Importer', '--admin-email', 'admin@import.test'], { env, encoding: 'utf8' }));
    db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
    const args = [BIN, 'import', file, '--account', created.account.id, '--env', 'live', '--chunk', '100', '--no-progress'];

    const first = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    let atKill = 0;
    while (first.exitCode === null) {
      atKill = await storedTasks();
      if (atKill > 0) break;
      await sleep(10);
    }
    first.kill('SIGKILL');
    await exited;
    atKill = await storedTasks();
    assert.ok(atKill > 0 && atKill < RECORDS, `the first run was killed partway (${atKill} of ${RECORDS} stored)`);

    const rerun = JSON.parse(execFileSync(process.execPath, [...args.slice(0, 1), '--json', ...args.slice(1)], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    assert.equal(rerun.created + rerun.skipped, RECORDS, JSON.stringify({ created: rerun.created, skipped: rerun.skipped, failed: rerun.failed }));
    assert.equal(rerun.skipped, atKill, 'exactly the stored records are skipped');

    const rows = await db.kysely
      .selectFrom('tasks')
      .select((eb) => [eb.fn.countAll<number>().as('tasks'), eb.fn.count<number>('unique_id').distinct().as('unique_ids')])
      .executeTakeFirstOrThrow();
    assert.deepEqual([Number(rows.tasks), Number(rows.unique_ids)], [RECORDS, RECORDS], 'every record once');
    const ends = await db.kysely.selectFrom('tasks').select('unique_id').where('unique_id', 'in', ['resume-0', `resume-${RECORDS - 1}`]).execute();
    assert.equal(ends.length, 2, 'the first and last records are there');
  });
});
