import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  /** A plain-text body (text/plain; charset=utf-8). */
  text?: string;
  /** Or a body of another type (a callback's JSON), sent as the whole message, inline, under this file name. */
  inline?: { content: string; contentType: string; filename: string };
  /** Extra header lines (name → value); line breaks in values are folded away. */
  headers?: Record<string, string>;
}

/** Raised for any mail failure; `code` is the server's reply code when it answered. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** What nodemailer attaches to the errors it raises. */
interface NodemailerError extends Error {
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Submits mail through nodemailer's SMTP transport, configured from TAGWRIGHT_SMTP_URL:
 * `smtps://` is implicit TLS (port 465), `smtp://` upgrades with STARTTLS when the server offers it
 * (port 587); credentials in the URL authenticate. Query options: `starttls=never|required`,
 * `tls_verify=false`. One connection per message (no pool): mail is rare here. nodemailer is loaded
 * with the first message (about 110 ms of CPU that every start paid before).
 */
export class SmtpMailer {
  private readonly options: SMTPTransport.Options;
  private transport: Promise<Transporter> | undefined;

  constructor(url: string, timeoutMs: number) {
    const parsed = new URL(url);
    const implicitTls = parsed.protocol === 'smtps:';
    const starttls = parsed.searchParams.get('starttls');
    this.options = {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(parsed.port || (implicitTls ? 465 : 587)),
      secure: implicitTls,
      ignoreTLS: !implicitTls && starttls === 'never',
      requireTLS: !implicitTls && starttls === 'required',
      auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
      tls: { rejectUnauthorized: parsed.searchParams.get('tls_verify') !== 'false' },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    };
  }

  /** Submits one message; resolves with the server's final reply, rejects with SmtpError. */
  async send(message: MailMessage): Promise<string> {
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value.replace(/[\r\n]+/g, ' ')]));
    try {
      this.transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.options));
      const info = await (await this.transport).sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        headers,
        // base64, as before the switch: a signed JSON body reaches the receiver byte for byte whatever relays rewrap.
        text: message.text === undefined ? undefined : { content: message.text, contentTransferEncoding: 'base64' },
        attachments: message.inline && [{ ...message.inline, contentDisposition: 'inline', contentTransferEncoding: 'base64' }],
      });
      return String(info.response ?? '').trim();
    } catch (error) {
      throw smtpError(error as NodemailerError);
    }
  }
}

/** Names the refused step as the log has always shown it (`the mail server refused RCPT: 550 …`). */
function smtpError(error: NodemailerError): SmtpError {
  if (error.responseCode !== undefined && error.response) {
    const verb = error.command ? error.command.split(/[ :]/)[0] : 'the message';
    return new SmtpError(`the mail server refused ${verb}: ${error.response}`, error.responseCode);
  }
  return new SmtpError(`mail transport error: ${error.message}`);
}
