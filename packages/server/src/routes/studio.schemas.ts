import { Type } from 'typebox';

/** Request schemas of the Studio routes, shared by v1 (routes/v1/studio.routes.ts) and the app API (routes/app/studio.routes.ts), which call the same service. */
const segment = (what: string) => Type.String({ description: `${what}, percent-encoded as one path segment (\`/\` as %2F).` });
const Emails = (description: string) => Type.Array(Type.String(), { description });

export const ProjectParams = Type.Object({ project: segment('Project name') });
export const GroupParams = Type.Object({ project: segment('Project name'), group: segment('Group name') });
export const BatchParams = Type.Object({ batch: segment('Batch name') });

export const AssignmentBody = Type.Object(
  {
    emails: Emails('Teammate emails.'),
    projects: Type.Array(Type.String(), { description: "Project names, in the caller's environment." }),
  },
  { additionalProperties: true },
);
export const CreateGroupBody = Type.Object(
  {
    name: Type.String({ description: 'Group name, unique in the project.' }),
    emails: Type.Optional(Emails('First workers; each must already be assigned to the project.')),
  },
  { additionalProperties: true },
);
/** The app API's rename (no v1 twin); the length limit is checked by the service so its 400 names the field. */
export const RenameGroupBody = Type.Object(
  { name: Type.String({ description: 'The new group name: not blank, at most 100 characters, unique in the project.' }) },
  { additionalProperties: true },
);
export const UpdateGroupBody = Type.Object(
  {
    add_emails: Type.Optional(Emails('Workers to add; each must already be assigned to the project.')),
    remove_emails: Type.Optional(Emails('Workers to remove.')),
  },
  { additionalProperties: true },
);
export const BatchGroupsBody = Type.Object(
  { groups: Type.Array(Type.String(), { description: "Names of groups in the batch's project; replaces the batch's groups." }) },
  { additionalProperties: true },
);
export const PrioritiesBody = Type.Object(
  { batches: Type.Array(Type.Unknown(), { description: 'Every pending Studio batch exactly once, as {"name": ...} (or the name alone); the first is worked first.' }) },
  { additionalProperties: true },
);
