import type { UserRow } from '../repositories/account.repository.ts';
import { toIso } from '../domain/time.ts';

/**
 * The teammate object (contract 4.6): `email` and `role` always; `company`, `firstName` and
 * `lastName` when known; `isStudioLabeler` (true for labelers); `expiry` while an invitation is
 * pending (the teammate has not set a password yet).
 */
export function presentTeammate(user: UserRow): Record<string, unknown> {
  const wire: Record<string, unknown> = { email: user.email, role: user.role };
  if (user.company) wire.company = user.company;
  if (user.first_name) wire.firstName = user.first_name;
  if (user.last_name) wire.lastName = user.last_name;
  wire.isStudioLabeler = user.role === 'labeler';
  if (!user.password_hash && user.invite_expires_at !== null) wire.expiry = toIso(user.invite_expires_at);
  return wire;
}
