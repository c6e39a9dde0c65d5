import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tagwright.js');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describeEachDatabase('Admin CLI', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let serverProcess: ChildProcess | undefined;
  let serverUrl = '';

  /** Runs `tagwright <args>` as a child process against the suite's database. */
  function run(args: string[], input?: string): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  async function runJson(args: string[], input?: string): Promise<any> {
    const result = await run(['--json', ...args], input);
    assert.equal(result.code, 0, `tagwright ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** Starts `tagwright serve` on a free port and waits for its "started" log line. */
  function serve(): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
      serverProcess = child;
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /"url":"(http:\/\/[^"]+)"[^\n]*tagwright started/.exec(output);
        if (match) resolve(match[1]);
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => reject(new Error(`tagwright serve exited with ${code}: ${output}`)));
    });
  }

  function api(method: string, urlPath: string, key: string | null, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(serverUrl + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  before(async () => {
    database = await createTestDatabase(dialect);
    dataDir = database.sqliteFile ? path.dirname(database.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-cli-'));
    env = { ...process.env, TAGWRIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', TAGWRIGHT_WORKER_POLL_MS: '50' };
    for (const name of Object.keys(env)) if (name.startsWith('TAGWRIGHT_BOOTSTRAP') || name === 'DATABASE_URL') delete env[name];
    if (database.databaseUrl) env.DATABASE_URL = database.databaseUrl;
  });

  after(async () => {
    if (serverProcess && serverProcess.exitCode === null) {
      const exited = new Promise((resolve) => serverProcess!.once('exit', resolve));
      serverProcess.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints help that names every command', async () => {
    const result = await run(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['serve', 'accounts', 'keys', 'users']) assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  });

  let accountId = '';
  let liveKey = '';
  let adminToken = '';

  it('creates an account and prints its keys and the admin sign-up token once', async () => {
    const created = await runJson(['accounts', 'create', '--name', 'Acme', '--admin-email', 'Admin@Acme.test']);
    assert.match(created.account.id, /^[0-9a-f]{24}$/);
    assert.equal(created.admin_email, 'admin@acme.test');
    assert.match(created.live_key, /^live_[0-9a-f]{32}$/);
    assert.match(created.test_key, /^test_[0-9a-f]{32}$/);
    assert.ok(created.admin_invite_token);
    accountId = created.account.id;
    liveKey = created.live_key;
    adminToken = created.admin_invite_token;
    const listed = await runJson(['accounts', 'list']);
    assert.deepEqual(listed.map((account: any) => account.name), ['Acme']);
  });

  it('reports an unknown account with exit code 1 and a message', async () => {
    const result = await run(['keys', 'create', '--account', 'nope', '--env', 'live']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No account with id nope/);
    const badEnv = await run(['keys', 'create', '--account', accountId, '--env', 'prod']);
    assert.notEqual(badEnv.code, 0);
    assert.match(badEnv.stderr, /live, test/);
  });

  it('issues keys that authenticate against a running server, and revoked keys stop working', async () => {
    const issued = await runJson(['keys', 'create', '--account', accountId, '--env', 'test', '--label', 'ci']);
    assert.match(issued.key, /^test_[0-9a-f]{32}$/);
    serverUrl = await serve();

    const withLive = await api('GET', '/teams', liveKey);
    assert.equal(withLive.status, 200);
    assert.deepEqual((await withLive.json()).map((teammate: any) => teammate.email), ['admin@acme.test']);
    assert.equal((await api('GET', '/teams', issued.key)).status, 200);

    const keys = await runJson(['keys', 'list', '--account', accountId]);
    const listed = keys.find((key: any) => key.id === issued.id);
    assert.deepEqual({ environment: listed.environment, label: listed.label, revoked_at: listed.revoked_at }, { environment: 'test', label: 'ci', revoked_at: null });
    assert.ok(issued.key.startsWith(listed.hint));
    assert.equal(JSON.stringify(keys).includes(issued.key), false);

    // The server remembers a key that authenticated for TAGWRIGHT_KEY_CACHE_MS (1 s by default), so a
    // revocation made by another process applies there within that time (README).
    const revokedAt = Date.now();
    await runJson(['keys', 'revoke', '--account', accountId, issued.id]);
    let status = (await api('GET', '/teams', issued.key)).status;
    while (status === 200 && Date.now() - revokedAt < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await api('GET', '/teams', issued.key)).status;
    }
    assert.equal(status, 401, 'the key revoked from the CLI still worked 1 s later');
    assert.equal((await api('GET', '/teams', liveKey)).status, 200);
    const again = await run(['keys', 'revoke', '--account', accountId, issued.id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No active API key/);
  });

  it('invites a teammate whose one-time token signs them up in the web UI', async () => {
    const invited = await runJson(['users', 'invite', '--account', accountId, '--email', 'ann@acme.test', '--role', 'labeler']);
    assert.equal(invited.role, 'labeler');
    const teams = await (await api('GET', '/teams', liveKey)).json();
    assert.equal(teams.find((teammate: any) => teammate.email === 'ann@acme.test').isStudioLabeler, true);
    const accepted = await api('POST', '/app/api/session/accept-invite', null, { token: invited.invite_token, password: 'labeler password 1' });
    assert.equal(accepted.status, 200, await accepted.text());
    const adminAccepted = await api('POST', '/app/api/session/accept-invite', null, { token: adminToken, password: 'admin password 12' });
    assert.equal(adminAccepted.status, 200, await adminAccepted.text());
  });

  it('sets a password read from standard input, which then signs in', async () => {
    const short = await run(['users', 'set-password', '--email', 'ann@acme.test', '--password-stdin'], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least/);
    await runJson(['users', 'set-password', '--email', 'ann@acme.test', '--password-stdin'], 'a new password here\n');
    const login = await api('POST', '/app/api/session/login', null, { email: 'ann@acme.test', password: 'a new password here' });
    assert.equal(login.status, 200, await login.text());
    const old = await api('POST', '/app/api/session/login', null, { email: 'ann@acme.test', password: 'labeler password 1' });
    assert.equal(old.status, 401);
  });

  it("changes a teammate's role and lists teammates", async () => {
    await runJson(['users', 'set-role', '--account', accountId, '--email', 'ann@acme.test', '--role', 'manager']);
    const teammates = await runJson(['users', 'list', '--account', accountId]);
    assert.deepEqual(teammates.map((teammate: any) => [teammate.email, teammate.role, teammate.status]), [
      ['admin@acme.test', 'admin', 'active'],
      ['ann@acme.test', 'manager', 'active'],
    ]);
  });
});
