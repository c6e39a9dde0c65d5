import type { ActiveSession } from '../services/session.service.ts';
import type { TeamRole } from '../repositories/user.repository.ts';
import { toIso } from '../domain/time.ts';

export interface SessionUserView {
  id: string;
  email: string;
  role: TeamRole;
  firstName?: string;
  lastName?: string;
}

export interface SessionView {
  user: SessionUserView;
  csrfToken: string;
  account: { id: string; name: string };
  expiresAt: string;
}

/** The app API's session object: the signed-in teammate and the CSRF token their writes must echo. */
export function presentSession(session: ActiveSession): SessionView {
  const { user } = session;
  return {
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      ...(user.first_name ? { firstName: user.first_name } : {}),
      ...(user.last_name ? { lastName: user.last_name } : {}),
    },
    csrfToken: session.csrfToken,
    account: { id: session.account.id, name: session.account.name },
    expiresAt: toIso(session.expiresAt),
  };
}
