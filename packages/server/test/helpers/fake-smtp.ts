import { after, before } from 'node:test';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { useTestServer, type TestServer } from './server.ts';

export interface ReceivedMail {
  /** True when the message came over a connection upgraded with STARTTLS. */
  secure: boolean;
  /** The credentials as AUTH PLAIN carries them: `\0user\0password`. */
  auth?: string;
  from: string;
  to: string;
  /** The message as sent after DATA: headers, a blank line, the body. */
  data: string;
}

export interface FakeSmtp {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * An SMTP receiver (smtp-server) on a free loopback port: accepts AUTH PLAIN, rejects recipients at
 * reject.example with 550, and offers STARTTLS only when given a key and certificate (or, with
 * `implicit`, speaks TLS from the first byte as on port 465).
 */
export async function startFakeSmtp(starttls?: { key: string; cert: string; implicit?: boolean }): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const credentials = new Map<string, string>();
  const server = new SMTPServer({
    name: 'fake.smtp',
    logger: false,
    authMethods: ['PLAIN'],
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: starttls && !starttls.implicit ? [] : ['STARTTLS'],
    ...(starttls && { key: starttls.key, cert: starttls.cert, secure: starttls.implicit === true }),
    onAuth(auth, session, callback) {
      credentials.set(session.id, `\0${auth.username}\0${auth.password}`);
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (!address.address.endsWith('@reject.example')) return callback();
      callback(Object.assign(new Error('5.1.1 no such mailbox'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        mails.push({
          secure: session.secure,
          auth: credentials.get(session.id),
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address).join(','),
          data: Buffer.concat(chunks).toString('utf8').replace(/\r\n$/, ''),
        });
        callback(null, 'queued as fake-1');
      });
    },
  });
  // A client that gives up mid-handshake is part of some tests, not a reason to crash the run.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as net.AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text body of a received mail (the client sends it base64-encoded). */
export function mailBody(mail: ReceivedMail): string {
  const encoded = mail.data.slice(mail.data.indexOf('\r\n\r\n') + 4);
  return Buffer.from(encoded.replace(/\r\n/g, ''), 'base64').toString('utf8');
}

/** A header of a received mail, unfolded (long header lines may be folded onto several, RFC 5322 2.2.3), or undefined. */
export function mailHeader(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.data.slice(0, mail.data.indexOf('\r\n\r\n')).replace(/\r\n(?=[ \t])/g, '');
  const line = head.split('\r\n').find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/**
 * A test server whose TAGWRIGHT_SMTP_URL points at a fake SMTP receiver started for the suite
 * (`userinfo`, e.g. `robot:s3cret@`, goes into the URL); the receiver closes after the server.
 */
export function useTestServerWithSmtp(
  dialect: 'sqlite' | 'postgres',
  env: Record<string, string>,
  userinfo = '',
): { server: { current: TestServer }; smtp: { current: FakeSmtp } } {
  const smtp = {} as { current: FakeSmtp };
  before(async () => {
    smtp.current = await startFakeSmtp();
    env.TAGWRIGHT_SMTP_URL = `smtp://${userinfo}127.0.0.1:${smtp.current.port}`;
  });
  const server = useTestServer(dialect, env);
  after(async () => smtp.current?.close());
  return { server, smtp };
}
