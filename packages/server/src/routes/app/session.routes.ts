import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Forbidden, InvalidRequest, Unauthorized } from '../../domain/errors.ts';
import { objectBody, readString } from '../../domain/lenient.ts';
import { clearSessionCookie, CSRF_HEADER, sessionToken, setSessionCookie } from '../../http/app-auth.ts';
import { presentForgotPasswordAnswer, presentSession } from '../../presenters/session.presenter.ts';
import { MIN_PASSWORD_LENGTH, csrfTokenMatches } from '../../services/session.service.ts';
import { readQuery } from '../../http/query.ts';
import { toIso } from '../../domain/time.ts';

const tags = ['app session'];

const LoginBody = Type.Object({
  email: Type.String({ description: 'The teammate email.' }),
  password: Type.String({ description: 'The password set when the invitation was accepted.' }),
});

const AcceptInviteBody = Type.Object({
  token: Type.String({ description: 'The one-time token from the invitation link.' }),
  password: Type.String({ description: 'The new password, at least 10 characters.' }),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
});

const ForgotPasswordBody = Type.Object({
  email: Type.String({ description: 'The email the teammate signs in with.' }),
});

function required(body: Record<string, unknown>, field: string): string {
  const value = readString(body[field], field);
  if (value === undefined || value === '') throw new InvalidRequest(`Missing required parameter '${field}'.`);
  return value;
}

function optional(body: Record<string, unknown>, field: string): string | undefined {
  const value = readString(body[field], field)?.trim();
  return value ? value : undefined;
}

/**
 * Routes that work without a session: sign in, accept an invitation, ask for a password-reset link, sign out. Registered under
 * /app/api outside the authenticated scope.
 */
export async function registerPublicSessionRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app;

  app.post('/session/login', { schema: { summary: 'Sign in with email and password; sets the tw_session cookie', tags, body: LoginBody } }, async (request, reply) => {
    const body = objectBody(request.body);
    const session = await services.sessions.login(required(body, 'email'), required(body, 'password'));
    setSessionCookie(reply, request, services, session.token);
    return presentSession(session);
  });

  app.post('/session/accept-invite', { schema: { summary: 'Set a password from an invitation token and sign in', tags, body: AcceptInviteBody } }, async (request, reply) => {
    const body = objectBody(request.body);
    const session = await services.sessions.acceptInvite({
      token: required(body, 'token'),
      password: required(body, 'password'),
      firstName: optional(body, 'first_name'),
      lastName: optional(body, 'last_name'),
    });
    setSessionCookie(reply, request, services, session.token);
    return presentSession(session);
  });

  app.get(
    '/session/invitation',
    {
      schema: {
        summary: 'Who an invitation or password-reset link is for (query: token), so the page can say it before a password is chosen',
        description: 'Answers {email, team, purpose (invite or password_reset), expires_at, password_min_length}; 400 for an unknown, used or expired token.',
        tags,
      },
    },
    async (request) => {
      const token = readQuery(request.query).string('token');
      if (!token) throw new InvalidRequest("Missing required parameter 'token': the token from the invitation link.");
      const user = await services.sessions.invitationHolder(token);
      const account = await services.accounts.getAccount(user.account_id);
      return {
        email: user.email,
        team: account.name,
        purpose: user.password_hash ? 'password_reset' : 'invite',
        expires_at: toIso(user.invite_expires_at!),
        password_min_length: MIN_PASSWORD_LENGTH,
      };
    },
  );

  // Answers 200 either way, so a page load without a session logs no failed request in the browser console.
  app.get(
    '/session/state',
    { schema: { summary: 'The signed-in teammate ({signed_in: true, ...the GET /session answer}) or {signed_in: false}; never 401', tags } },
    async (request) => {
      const token = sessionToken(request);
      const session = token ? await services.sessions.authenticate(token) : undefined;
      return session ? { signed_in: true, ...presentSession(session) } : { signed_in: false };
    },
  );

  // Like sign-in, this needs no session and so no CSRF token: the browser's JSON content type
  // already forces a CORS preflight on any cross-site attempt, and the answer tells the caller nothing.
  app.post(
    '/session/forgot_password',
    {
      schema: {
        summary: 'Ask for a one-time link to choose a new password, sent by email (the same answer whatever the email)',
        description:
          'When the email belongs to a teammate who has signed up and TAGWRIGHT_SMTP_URL is set, a one-time link (24 h) is mailed; ' +
          'a newer link replaces an older one. Limited per email and per client address per hour; every outcome gets the same 200 answer.',
        tags,
        body: ForgotPasswordBody,
      },
    },
    async (request) => {
      const body = objectBody(request.body);
      await services.passwordResets.requestReset(required(body, 'email'), request.ip, request.log);
      return presentForgotPasswordAnswer();
    },
  );

  // Sign-out is idempotent: with no live session it only clears the cookie. With one, it needs the
  // CSRF header like any other cookie-authenticated write, so another site cannot sign you out.
  app.post('/session/logout', { schema: { summary: 'Sign out: ends the session and clears the cookie', tags } }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) {
      const session = await services.sessions.authenticate(token);
      if (session) {
        const sent = request.headers[CSRF_HEADER];
        if (!csrfTokenMatches(Array.isArray(sent) ? sent[0] : sent, session.csrfToken)) {
          throw new Forbidden(`Missing or wrong '${CSRF_HEADER}' header: send the csrfToken from sign-in with every write.`);
        }
        await services.sessions.logout(token);
      }
    }
    clearSessionCookie(reply, request, services);
    return {};
  });
}

const ChangePasswordBody = Type.Object({
  current_password: Type.String(),
  new_password: Type.String({ description: 'At least 10 characters.' }),
});

/** Routes that need a session (registered inside the authenticated /app/api scope). */
export async function registerSessionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/session', { schema: { summary: 'The signed-in teammate and their CSRF token (401 without a session)', tags } }, async (request) => {
    // An API key is not a session: the UI uses this call to decide whether to show the sign-in page.
    if (!request.appSession) throw new Unauthorized('Not signed in: GET /app/api/session describes a browser session, and API keys have none.');
    return presentSession(request.appSession);
  });

  app.post('/session/password', { schema: { summary: "Change the signed-in teammate's password; their other sessions end", tags, body: ChangePasswordBody } }, async (request) => {
    if (!request.appSession) throw new InvalidRequest('API keys have no password; sign in as a teammate to change yours.');
    const body = objectBody(request.body);
    await app.services.sessions.changePassword(request.appSession, required(body, 'current_password'), required(body, 'new_password'));
    return {};
  });
}
