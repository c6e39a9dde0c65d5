import type { ActiveSession } from '../services/session.service.ts';
import type { TeamRole } from '../repositories/user.repository.ts';
import { toIso } from '../domain/time.ts';

export interface SessionUserView {
  id: string;
  email: string;
  role: TeamRole;
  first_name?: string;
  last_name?: string;
}

export interface SessionView {
  user: SessionUserView;
  csrfToken: string;
  account: { id: string; name: string };
  expires_at: string;
}

/** The app API's session object (docs/app-api.md): the signed-in teammate and the CSRF token their writes must echo. */
export function presentSession(session: ActiveSession): SessionView {
  const { user } = session;
  return {
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      ...(user.first_name ? { first_name: user.first_name } : {}),
      ...(user.last_name ? { last_name: user.last_name } : {}),
    },
    csrfToken: session.csrfToken,
    account: { id: session.account.id, name: session.account.name },
    expires_at: toIso(session.expiresAt),
  };
}

/** The one answer of `POST /app/api/session/forgot_password`, whatever became of the request. */
export function presentForgotPasswordAnswer(): { message: string } {
  return {
    message:
      'If this email belongs to a teammate who has signed up, a link to choose a new password is on its way. ' +
      'If no mail arrives, ask an admin of your team for a reset link.',
  };
}
