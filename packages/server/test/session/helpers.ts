import { hashPassword } from '../../src/domain/passwords.ts';
import { newId, sha256 } from '../../src/domain/ids.ts';
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers/server.ts';
import { mailBody, type FakeSmtp, type ReceivedMail } from '../helpers/fake-smtp.ts';

export type Role = 'labeler' | 'member' | 'manager' | 'admin';

/** Adds a teammate to the bootstrap account. With `password` they can sign in; with `inviteToken` they hold an open invitation. */
export async function addTeammate(
  server: TestServer,
  input: { email: string; role?: Role; password?: string; inviteToken?: string; inviteExpiresAt?: number; accountId?: string },
): Promise<string> {
  const kysely = server.server.services.db.kysely;
  const accountId = input.accountId ?? (await kysely.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow()).id;
  const id = newId();
  await kysely
    .insertInto('users')
    .values({
      id,
      account_id: accountId,
      email: input.email,
      role: input.role ?? 'labeler',
      first_name: null,
      last_name: null,
      company: null,
      password_hash: input.password ? await hashPassword(input.password) : null,
      invite_token_hash: input.inviteToken ? sha256(input.inviteToken) : null,
      invite_expires_at: input.inviteToken ? (input.inviteExpiresAt ?? Date.now() + 86_400_000) : null,
      failed_logins: 0,
      locked_until: null,
      created_at: Date.now(),
    })
    .execute();
  return id;
}

/** The `name=value` part of the tw_session Set-Cookie header, ready to send back as a Cookie header. */
export function sessionCookieOf(headers: Headers): string | undefined {
  const cookie = headers.getSetCookie().find((value) => value.startsWith('tw_session='));
  return cookie?.split(';')[0];
}

/** Signs in and returns the cookie and CSRF token. */
export async function signIn(server: TestServer, email: string, password: string): Promise<{ cookie: string; csrfToken: string; body: any }> {
  const response = await server.request('POST', '/app/api/session/login', { key: null, body: { email, password } });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${response.text}`);
  return { cookie: sessionCookieOf(response.headers)!, csrfToken: response.body.csrfToken, body: response.body };
}

/** Mails sent so far to `to`, once every mail the server started has been handed to the receiver. */
export async function mailsTo(server: TestServer, smtp: FakeSmtp, to: string): Promise<ReceivedMail[]> {
  await server.server.services.teamMail.idle();
  return smtp.mails.filter((mail) => mail.to === to);
}

/** The accept-invite link in a mail, and the token it carries. */
export function linkIn(mail: ReceivedMail): { link: string; token: string; reset: boolean } {
  const link = /(https?:\/\/\S+\/ui\/#\/accept-invite\?\S+)/.exec(mailBody(mail))?.[1];
  assert.ok(link, `a link in: ${mailBody(mail)}`);
  const query = new URLSearchParams(link.split('?')[1]);
  return { link, token: query.get('token')!, reset: query.get('reset') === '1' };
}
