/**
 * The first run as the README describes it (issue 18, dead ends 1 and 2): `npm start` on a fresh
 * data folder prints a one-time sign-in link for the admin that works; `npx tagwright` from the
 * same folder opens the same database; an admin who lost the link gets a new one from the CLI.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPOSITORY_ROOT, printedSignInLink, startAsReadmeSays, type ReadmeServer } from '../helpers/readme-start.ts';

const PASSWORD = 'first run password';

describe('First run as the README says', () => {
  let server: ReadmeServer;

  before(async () => {
    server = await startAsReadmeSays();
  });
  after(async () => {
    await server?.stop();
  });

  it('prints the admin sign-in link, the API keys and the web UI address on first start', () => {
    const output = server.output();
    const link = printedSignInLink(output);
    assert.equal(link.origin, server.url);
    assert.match(output, /Sign in to the web UI as admin@localhost/);
    assert.match(output, /live key: live_[0-9a-f]{32}/);
    assert.match(output, /test key: test_[0-9a-f]{32}/);
    assert.match(output, /npx tagwright users sign-in-link --email admin@localhost/);
    assert.ok(output.includes(`Web UI: ${server.url}/ui/`));
  });

  it('lets the admin set a password with the printed link and sign in', async () => {
    const token = new URLSearchParams(printedSignInLink(server.output()).hash.split('?')[1]).get('token');
    const accepted = await fetch(`${server.url}/app/api/session/accept-invite`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: PASSWORD }),
    });
    assert.equal(accepted.status, 200, await accepted.text());
    const login = await fetch(`${server.url}/app/api/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password: PASSWORD }),
    });
    assert.equal(login.status, 200);
  });

  it('keeps the data in the folder named from the repository root, where npx tagwright finds the same database', async () => {
    assert.ok(fs.existsSync(path.join(REPOSITORY_ROOT, server.dataDir, 'tagwright.sqlite')), 'the data folder is under the directory npm start was run in');
    assert.equal(fs.existsSync(path.join(REPOSITORY_ROOT, 'packages', 'server', server.dataDir)), false, 'nothing lands in packages/server');
    const accounts = await server.cli(['--json', 'accounts', 'list']);
    assert.equal(accounts.code, 0, accounts.stderr);
    const [account] = JSON.parse(accounts.stdout);
    const users = await server.cli(['--json', 'users', 'list', '--account', account.id]);
    assert.equal(users.code, 0, users.stderr);
    assert.deepEqual(JSON.parse(users.stdout).map((user: any) => [user.email, user.status]), [['admin@localhost', 'active']]);
  });

  it('prints a new one-time link from the CLI for an admin who lost theirs, which sets a new password', async () => {
    const printed = await server.cli(['users', 'sign-in-link', '--email', 'admin@localhost']);
    assert.equal(printed.code, 0, printed.stderr);
    const link = printedSignInLink(printed.stdout);
    assert.equal(new URLSearchParams(link.hash.split('?')[1]).get('reset'), '1', 'the admin has signed up, so the link resets the password');
    const token = new URLSearchParams(link.hash.split('?')[1]).get('token');
    const accepted = await fetch(`${server.url}/app/api/session/accept-invite`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'a brand new password' }),
    });
    assert.equal(accepted.status, 200, await accepted.text());
    const unknown = await server.cli(['users', 'sign-in-link', '--email', 'nobody@localhost']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No teammate with email nobody@localhost/);
  });
});
