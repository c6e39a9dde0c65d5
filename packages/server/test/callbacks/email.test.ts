import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { SmtpMailer } from '../../src/outbound/mailer.ts';
import { mailBody, mailHeader, startFakeSmtp, useTestServerWithSmtp } from '../helpers/fake-smtp.ts';
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
    assert.equal(mailHeader(mail, 'Content-Type'), 'application/json; charset=utf-8; name=callback.json');
    assert.equal(mailHeader(mail, 'Content-Disposition'), 'inline; filename=callback.json');
    assert.equal(mailHeader(mail, 'Subject'), `Tagwright callback: task ${taskId} (completed)`);
    const sent = mailBody(mail);
    assert.deepEqual(JSON.parse(sent), body);
    assert.equal(mailHeader(mail, 'X-Tagwright-Signature'), `sha256=${hmacHex(sent, account.callback_auth_key_live)}`);

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

/** A self-signed certificate for localhost, made with openssl in a temporary folder. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-smtp-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('SMTP submission', () => {
  const message = { from: 'a@tagwright.test', to: 'b@example.com', subject: 'hello', text: '{"ok":true}' };

  it('upgrades to TLS with STARTTLS when the mail server offers it', async () => {
    const smtp = await startFakeSmtp(selfSignedCertificate());
    try {
      await assert.rejects(new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 2_000).send(message), /certificate/, 'an unverifiable certificate is refused by default');
      const reply = await new SmtpMailer(`smtp://u:p@127.0.0.1:${smtp.port}?tls_verify=false`, 2_000).send(message);
      assert.match(reply, /^250/);
      const mail = smtp.mails.at(-1)!;
      assert.equal(mail.secure, true);
      assert.equal(mail.auth, '\0u\0p');
      assert.equal(mailBody(mail), '{"ok":true}');
    } finally {
      await smtp.close();
    }
  });

  it('speaks TLS from the first byte with smtps://', async () => {
    const smtp = await startFakeSmtp({ ...selfSignedCertificate(), implicit: true });
    try {
      await new SmtpMailer(`smtps://u:p@127.0.0.1:${smtp.port}?tls_verify=false`, 2_000).send(message);
      assert.equal(smtp.mails.at(-1)!.secure, true);
      await assert.rejects(new SmtpMailer(`smtp://127.0.0.1:${smtp.port}?starttls=never`, 1_000).send(message), /mail transport error/, 'plain SMTP to a TLS port fails');
    } finally {
      await smtp.close();
    }
  });

  it('refuses to send in the clear with starttls=required when the server offers no STARTTLS, and sends in the clear by default', async () => {
    const smtp = await startFakeSmtp();
    try {
      await assert.rejects(new SmtpMailer(`smtp://127.0.0.1:${smtp.port}?starttls=required`, 2_000).send(message), /STARTTLS/);
      assert.equal(smtp.mails.length, 0);
      await new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 2_000).send(message);
      assert.equal(smtp.mails.at(-1)!.secure, false);
    } finally {
      await smtp.close();
    }
  });
});
