import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY } from '../helpers/server.ts';
import { enqueueCallback, hmacHex, seedTask, taskCallbackBody, waitUntil } from './fixtures.ts';

interface ReceivedMail {
  auth?: string;
  from: string;
  to: string;
  data: string;
}

/** A tiny SMTP server on a free port: accepts AUTH PLAIN, rejects recipients at reject.example. */
async function startFakeSmtp(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const mail: Partial<ReceivedMail> = {};
    let buffer = '';
    let inData = false;
    socket.write('220 fake.smtp ready\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          mails.push({ ...(mail as ReceivedMail), data: buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 queued as fake-1\r\n');
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end === -1) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (/^EHLO /i.test(line)) socket.write('250-fake.smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (/^AUTH PLAIN /i.test(line)) {
          mail.auth = Buffer.from(line.slice(11), 'base64').toString('utf8');
          socket.write('235 2.7.0 accepted\r\n');
        } else if (/^MAIL FROM:/i.test(line)) {
          mail.from = line.slice(10).replace(/[<>]/g, '');
          socket.write('250 ok\r\n');
        } else if (/^RCPT TO:/i.test(line)) {
          mail.to = line.slice(8).replace(/[<>]/g, '');
          socket.write(mail.to.endsWith('@reject.example') ? '550 5.1.1 no such mailbox\r\n' : '250 ok\r\n');
        } else if (/^DATA$/i.test(line)) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT$/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('502 unknown\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    mails,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeEachDatabase('Email callbacks', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  const env: Record<string, string> = { TAGWRIGHT_CALLBACK_SCHEDULE: '0.05', TAGWRIGHT_SMTP_FROM: 'callbacks@tagwright.test' };
  before(async () => {
    smtp = await startFakeSmtp();
    env.TAGWRIGHT_SMTP_URL = `smtp://robot:s3cret@127.0.0.1:${smtp.port}`;
  });
  const server = useTestServer(dialect, env);
  after(async () => smtp?.close());

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

    const mail = smtp.mails.find((candidate) => candidate.to === 'ops@example.com')!;
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
