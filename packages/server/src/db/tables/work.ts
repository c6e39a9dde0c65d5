/** Row types of the work migration (sessions, Studio assignments and groups). Times are epoch milliseconds; flags are 0/1. */
export interface SessionsTable {
  /** sha256 of the cookie token; the token itself is only ever in the browser's cookie. */
  id: string;
  user_id: string;
  account_id: string;
  /** Sent back by the UI in `x-csrf-token` on every cookie-authenticated write. */
  csrf_token: string;
  created_at: number;
  /** Absolute end of the session, however active it is. */
  expires_at: number;
  /** Last authenticated request (updated at most once a minute); idle expiry counts from here. */
  last_seen_at: number;
}

/** A teammate assigned to a project (account-wide; the project fixes the environment). */
export interface StudioAssignmentsTable {
  account_id: string;
  user_id: string;
  project_id: string;
  created_at: number;
}

export interface ProjectGroupsTable {
  id: string;
  account_id: string;
  project_id: string;
  name: string;
  is_singleton: number;
  created_at: number;
}

export interface ProjectGroupMembersTable {
  group_id: string;
  user_id: string;
  created_at: number;
}

/** The groups that work a Studio batch, in the order they were given. */
export interface BatchGroupsTable {
  batch_id: string;
  group_id: string;
  position: number;
}

export interface WorkTables {
  sessions: SessionsTable;
  studio_assignments: StudioAssignmentsTable;
  project_groups: ProjectGroupsTable;
  project_group_members: ProjectGroupMembersTable;
  batch_groups: BatchGroupsTable;
}
