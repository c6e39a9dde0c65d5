import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import crypto from 'node:crypto';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  /** Sent base64-encoded, so any bytes and line lengths survive SMTP's 998-character lines. */
  body: string;
  contentType: string;
  /** Extra header lines (name → value); values must not contain line breaks. */
  headers?: Record<string, string>;
}

interface Reply {
  code: number;
  lines: string[];
}

/** Raised for any SMTP failure; `code` is the server's reply code when it answered. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/**
 * A minimal SMTP submission client (RFC 5321) on node:net/tls: `smtps://` is implicit TLS (port
 * 465), `smtp://` upgrades with STARTTLS when the server offers it (port 587). Credentials in the
 * URL are sent with AUTH PLAIN. Query options: `starttls=never|required`, `tls_verify=false`.
 * One connection per message; callbacks are rare enough by mail that pooling is not worth it.
 */
export class SmtpClient {
  private readonly url: URL;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(url);
  }

  /** Submits one message; resolves with the server's final reply, rejects with SmtpError. */
  async send(message: MailMessage): Promise<string> {
    const session = await SmtpSession.open(this.url, this.timeoutMs);
    try {
      return await session.submit(this.url, message);
    } finally {
      session.close();
    }
  }
}

class SmtpSession {
  private buffer = '';
  private lines: string[] = [];
  private waiter: ((reply: Reply | Error) => void) | undefined;
  private readonly queued: Array<Reply | Error> = [];

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static async open(url: URL, timeoutMs: number): Promise<SmtpSession> {
    const implicitTls = url.protocol === 'smtps:';
    const port = Number(url.port || (implicitTls ? 465 : 587));
    const verify = url.searchParams.get('tls_verify') !== 'false';
    const socket = implicitTls
      ? tls.connect({ host: url.hostname, port, servername: net.isIP(url.hostname) ? undefined : url.hostname, rejectUnauthorized: verify })
      : net.connect({ host: url.hostname, port });
    socket.setTimeout(timeoutMs);
    const session = new SmtpSession(socket);
    await session.expect([220]);
    return session;
  }

  async submit(url: URL, message: MailMessage): Promise<string> {
    const name = os.hostname() || 'localhost';
    let extensions = await this.command(`EHLO ${name}`, [250]);
    const starttls = url.searchParams.get('starttls') ?? 'auto';
    const offersTls = extensions.lines.some((line) => /^STARTTLS\b/i.test(line));
    if (url.protocol === 'smtp:' && starttls !== 'never' && offersTls) {
      await this.command('STARTTLS', [220]);
      await this.upgrade(url);
      extensions = await this.command(`EHLO ${name}`, [250]);
    } else if (url.protocol === 'smtp:' && starttls === 'required') {
      throw new SmtpError('the mail server does not offer STARTTLS (starttls=required)');
    }
    if (url.username) {
      const credentials = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64');
      await this.command(`AUTH PLAIN ${credentials}`, [235]);
    }
    await this.command(`MAIL FROM:<${message.from}>`, [250]);
    await this.command(`RCPT TO:<${message.to}>`, [250, 251]);
    await this.command('DATA', [354]);
    const accepted = await this.command(`${formatMessage(message)}\r\n.`, [250]);
    this.socket.write('QUIT\r\n');
    return `${accepted.code} ${accepted.lines.join(' ')}`.trim();
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('timeout', () => socket.destroy(new SmtpError('the mail server did not answer in time')));
    socket.on('error', (error) => this.deliver(error instanceof SmtpError ? error : new SmtpError(`mail transport error: ${error.message}`)));
    socket.on('close', () => this.deliver(new SmtpError('the mail server closed the connection')));
  }

  private async upgrade(url: URL): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    const secure = tls.connect({
      socket: plain,
      servername: net.isIP(url.hostname) ? undefined : url.hostname,
      rejectUnauthorized: url.searchParams.get('tls_verify') !== 'false',
    });
    secure.setTimeout(plain.timeout ?? 30_000);
    this.socket = secure;
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) {
        this.deliver(new SmtpError(`unexpected line from the mail server: ${line.slice(0, 200)}`));
        continue;
      }
      this.lines.push(match[3]);
      if (match[2] !== '-') {
        this.deliver({ code: Number(match[1]), lines: this.lines });
        this.lines = [];
      }
    }
  }

  private deliver(reply: Reply | Error): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(reply);
    } else {
      this.queued.push(reply);
    }
  }

  private next(): Promise<Reply> {
    const queued = this.queued.shift();
    if (queued) return queued instanceof Error ? Promise.reject(queued) : Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.waiter = (reply) => (reply instanceof Error ? reject(reply) : resolve(reply));
    });
  }

  private async expect(codes: number[], what = 'greeting'): Promise<Reply> {
    const reply = await this.next();
    if (!codes.includes(reply.code)) {
      throw new SmtpError(`the mail server refused ${what}: ${reply.code} ${reply.lines.join(' ')}`.trim(), reply.code);
    }
    return reply;
  }

  private async command(line: string, codes: number[]): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    const verb = line.startsWith('AUTH') ? 'AUTH' : line.includes('\r\n') ? 'the message' : line.split(/[ :]/)[0];
    return this.expect(codes, verb);
  }
}

/** Headers and a base64 body, with CRLF line ends; base64 lines never start with a dot, so no stuffing is needed. */
function formatMessage(message: MailMessage): string {
  const domain = message.from.split('@')[1] || 'localhost';
  const headers: Record<string, string> = {
    From: message.from,
    To: message.to,
    Subject: encodeHeader(message.subject),
    Date: new Date().toUTCString(),
    'Message-ID': `<${crypto.randomBytes(12).toString('hex')}@${domain}>`,
    'MIME-Version': '1.0',
    'Content-Type': message.contentType,
    'Content-Transfer-Encoding': 'base64',
    ...message.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`)
    .join('\r\n');
  const body = Buffer.from(message.body, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n').replace(/\r\n$/, '');
  return `${head}\r\n\r\n${body}`;
}

/** RFC 2047 encoded-word for non-ASCII subjects. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
