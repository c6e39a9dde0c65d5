import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { SmtpClient } from '../../src/outbound/smtp-client.ts';
import { startFakeSmtp, useTestServerWithSmtp } from '../helpers/fake-smtp.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY } from '../helpers/server.ts';
import { enqueueCallback, hmacHex, seedTask, taskCallbackBody, waitUntil } from './fixtures.ts';

describeEachDatabase('Email callbacks', (dialect) => {
  const { server, smtp } = useTestServerWithSmtp(dialect, { TAGWRIGHT_CALLBACK_SCHEDULE: '0.05', TAGWRIGHT_SMTP_FROM: 'callbacks@tagwright.test' }, 'robot:s3cret@');

  async function queue(target: string) {
    const { db, accounts } = server.current.server.services;
    const account = (await accounts.authenticate(LIVE_KEY))!.account;
    const taskId = await seedTask(db, account.id);
    const body = taskCallbackBody(taskId);
    await enqueueCallback(db, { accountId: account.id, subjectType: 'task', subjectId: taskId, event: 'completed', target, payload: body });
    server.current.server.services.onWorkQueued();
    const callbackSucceeded = async () =>
      (await db.kysely.selectFrom('tasks').select('callback_succeeded').where('id', '=', taskId).executeTakeFirstOrThrow()).callback_succeeded;
    return { taskId, body, account, callbackSucceeded };
  }

  it('emails the callback body to an address target through the configured SMTP server', async () => {
    const { taskId, body, account, callbackSucceeded } = await queue('ops@example.com');
    await waitUntil(async () => (await callbackSucceeded()) === 1, { what: 'the email to be accepted' });

    const mail = smtp.current.mails.find((candidate) => candidate.to === 'ops@example.com')!;
    assert.equal(mail.from, 'callbacks@tagwright.test');
    assert.equal(mail.auth, '\0robot\0s3cret');
    const [head, encoded] = mail.data.split('\r\n\r\n');
    assert.match(head, /^Content-Type: application\/json; charset=utf-8$/m);
    assert.match(head, new RegExp(`^Subject: Tagwright callback: task ${taskId} \\(completed\\)$`, 'm'));
    const sent = Buffer.from(encoded.replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.deepEqual(JSON.parse(sent), body);
    assert.match(head, new RegExp(`^X-Tagwright-Signature: sha256=${hmacHex(sent, account.callback_auth_key_live)}$`, 'm'));

    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    assert.equal(log.body.attempts[0].succeeded, true);
    assert.match(log.body.attempts[0].response_body, /queued as fake-1/);
  });

  it('counts a refused recipient as a failed attempt, retries it, then gives up', async () => {
    const { taskId, callbackSucceeded } = await queue('nobody@reject.example');
    await waitUntil(async () => (await callbackSucceeded()) === 0, { what: 'callback_succeeded = 0' });

    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    assert.equal(log.body.attempts.length, 2);
    for (const attempt of log.body.attempts) {
      assert.equal(attempt.succeeded, false);
      assert.match(attempt.error, /RCPT: 550/);
    }
  });
});

describe('SMTP submission', () => {
  it('upgrades to TLS with STARTTLS when the mail server offers it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-smtp-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
      const smtp = await startFakeSmtp({ key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') });
      try {
        const message = { from: 'a@tagwright.test', to: 'b@example.com', subject: 'hello', body: '{"ok":true}', contentType: 'application/json' };
        await assert.rejects(new SmtpClient(`smtp://127.0.0.1:${smtp.port}`, 2_000).send(message), /certificate/, 'an unverifiable certificate is refused by default');
        const reply = await new SmtpClient(`smtp://u:p@127.0.0.1:${smtp.port}?tls_verify=false`, 2_000).send(message);
        assert.match(reply, /^250/);
        const mail = smtp.mails.at(-1)!;
        assert.equal(mail.secure, true);
        assert.equal(mail.auth, '\0u\0p');
        assert.equal(Buffer.from(mail.data.split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8'), '{"ok":true}');
      } finally {
        await smtp.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
