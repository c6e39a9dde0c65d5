import net from 'node:net';
import tls from 'node:tls';
import { after, before } from 'node:test';
import { useTestServer, type TestServer } from './server.ts';

export interface ReceivedMail {
  /** True when the message came over a connection upgraded with STARTTLS. */
  secure: boolean;
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
 * A tiny SMTP server on a free port: accepts AUTH PLAIN, rejects recipients at reject.example, and
 * offers STARTTLS when given a key and certificate.
 */
export async function startFakeSmtp(starttls?: { key: string; cert: string }): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((plain) => {
    sockets.add(plain);
    plain.on('close', () => sockets.delete(plain));
    let socket: net.Socket = plain;
    const mail: Partial<ReceivedMail> = { secure: false };
    let buffer = '';
    let inData = false;
    socket.write('220 fake.smtp ready\r\n');
    const onData = (chunk: Buffer) => {
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
        if (/^EHLO /i.test(line)) socket.write(`250-fake.smtp\r\n${starttls && !mail.secure ? '250-STARTTLS\r\n' : ''}250-AUTH PLAIN\r\n250 8BITMIME\r\n`);
        else if (/^STARTTLS$/i.test(line) && starttls) {
          socket.write('220 go ahead\r\n');
          plain.removeListener('data', onData);
          socket = new tls.TLSSocket(plain, { isServer: true, key: starttls.key, cert: starttls.cert });
          socket.on('data', onData);
          mail.secure = true;
          return;
        }
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
    };
    plain.on('data', onData);
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

/** The decoded text body of a received mail (the client sends it base64-encoded). */
export function mailBody(mail: ReceivedMail): string {
  const encoded = mail.data.slice(mail.data.indexOf('\r\n\r\n') + 4);
  return Buffer.from(encoded.replace(/\r\n/g, ''), 'base64').toString('utf8');
}

/** A header of a received mail, or undefined. */
export function mailHeader(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.data.slice(0, mail.data.indexOf('\r\n\r\n'));
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
