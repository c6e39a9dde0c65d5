import { Command, Option } from 'commander';
import { DomainError } from '../domain/errors.ts';
import { TEAM_ROLES, invitationPath, normalizeEmail } from '../services/team.service.ts';
import { iso, printJson, printTable, withServices, type GlobalOptions } from './context.ts';
import { readPassword } from './read-password.ts';
import { registerImportExportCommands } from './import-export.ts';

/**
 * The admin CLI: `tagwright serve`, account, API key and teammate administration, and bulk task
 * import and export (import-export.ts), straight on the database the server uses (same environment
 * variables). Documented in docs/cli.md.
 */
const program = new Command()
  .name('tagwright')
  .description('Tagwright server and administration. Reads the same environment variables as the server (TAGWRIGHT_DATA_DIR, DATABASE_URL, ...).')
  .option('--json', 'print machine-readable JSON instead of text')
  .showHelpAfterError('(run with --help for usage)');

function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

program
  .command('serve')
  .description('start the server (HTTP API, web UI and background worker, as TAGWRIGHT_ROLE says)')
  .option('--port <port>', 'listen on this port (overrides PORT)')
  .option('--host <host>', 'listen on this address (overrides HOST)')
  .action(async (options: { port?: string; host?: string }) => {
    if (options.port !== undefined) process.env.PORT = options.port;
    if (options.host !== undefined) process.env.HOST = options.host;
    await import('../main.ts');
  });

const accounts = program.command('accounts').description('create and list accounts');

accounts
  .command('create')
  .description('create an account with an admin teammate and one live and one test API key (keys are printed once)')
  .requiredOption('--name <name>', 'account name')
  .requiredOption('--admin-email <email>', "email of the account's first admin teammate")
  .action(async (options: { name: string; adminEmail: string }, command: Command) => {
    await withServices(async (services) => {
      const created = await services.accounts.createAccount({ name: options.name, adminEmail: options.adminEmail });
      // The admin signs in to the web UI with a sign-up token, like any invited teammate.
      const invitation = await services.teams.inviteOne(created.account.id, options.adminEmail, 'admin');
      const expires = iso(invitation.user.invite_expires_at);
      if (globals(command).json) {
        printJson({
          account: { id: created.account.id, name: created.account.name, created_at: iso(created.account.created_at) },
          admin_email: invitation.user.email, live_key: created.liveKey, test_key: created.testKey,
          admin_invite_token: invitation.token, admin_invite_expires_at: expires,
        });
        return;
      }
      process.stdout.write(
        `Created account ${created.account.id} (${created.account.name}) with admin teammate ${invitation.user.email}.\n` +
          `Save these now; they are not shown again.\n` +
          `  live key: ${created.liveKey}\n  test key: ${created.testKey}\n` +
          `  admin sign-up token (valid until ${expires}): ${invitation.token}\n`,
      );
    });
  });

accounts
  .command('list')
  .description('list accounts, oldest first')
  .action(async (_options: unknown, command: Command) => {
    await withServices(async (services) => {
      const rows = await services.accounts.listAccounts();
      if (globals(command).json) return printJson(rows.map((row) => ({ id: row.id, name: row.name, created_at: iso(row.created_at) })));
      printTable(['ID', 'NAME', 'CREATED'], rows.map((row) => [row.id, row.name, iso(row.created_at)]));
    });
  });

const keys = program.command('keys').description("create, list and revoke an account's API keys");

keys
  .command('create')
  .description('issue an API key (printed once; only its hash is stored)')
  .requiredOption('--account <id>', 'account id')
  .addOption(new Option('--env <environment>', 'environment the key addresses').choices(['live', 'test']).makeOptionMandatory())
  .option('--label <label>', 'a note to tell keys apart in listings')
  .action(async (options: { account: string; env: 'live' | 'test'; label?: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      const issued = await services.accounts.issueKey(options.account, options.env, options.label);
      if (globals(command).json) {
        return printJson({ id: issued.record.id, key: issued.key, environment: issued.record.environment, label: issued.record.label, created_at: iso(issued.record.created_at) });
      }
      process.stdout.write(`Created ${options.env} key ${issued.record.id}. Save it now; it is not shown again.\n  ${issued.key}\n`);
    });
  });

keys
  .command('list')
  .description("list an account's API keys: id, environment, hint (first characters), label, created, revoked")
  .requiredOption('--account <id>', 'account id')
  .action(async (options: { account: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      const rows = await services.accounts.listKeys(options.account);
      if (globals(command).json) {
        return printJson(rows.map((row) => ({ id: row.id, environment: row.environment, hint: row.key_hint, label: row.label, created_at: iso(row.created_at), revoked_at: row.revoked_at === null ? null : iso(row.revoked_at) })));
      }
      printTable(
        ['ID', 'ENV', 'HINT', 'LABEL', 'CREATED', 'REVOKED'],
        rows.map((row) => [row.id, row.environment, `${row.key_hint}…`, row.label ?? '', iso(row.created_at), iso(row.revoked_at)]),
      );
    });
  });

keys
  .command('revoke')
  .description('revoke an API key: it stops working at once (401)')
  .requiredOption('--account <id>', 'account id')
  .argument('<key-id>', 'id of the key, as shown by keys list')
  .action(async (keyId: string, options: { account: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      await services.accounts.revokeKey(options.account, keyId);
      if (globals(command).json) return printJson({ id: keyId, revoked: true });
      process.stdout.write(`Revoked key ${keyId}.\n`);
    });
  });

const users = program.command('users').description("invite an account's teammates and set their passwords");

users
  .command('invite')
  .description('invite a teammate; prints the one-time sign-up token (valid 7 days). Re-inviting someone who has not signed up replaces their token')
  .requiredOption('--account <id>', 'account id')
  .requiredOption('--email <email>', "the teammate's email")
  .addOption(new Option('--role <role>', 'team role').choices(TEAM_ROLES).makeOptionMandatory())
  .action(async (options: { account: string; email: string; role: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      const { user, token } = await services.teams.inviteOne(options.account, options.email, options.role);
      const expires = iso(user.invite_expires_at);
      if (globals(command).json) return printJson({ email: user.email, role: user.role, account_id: user.account_id, invite_token: token, expires_at: expires });
      process.stdout.write(
        `Invited ${user.email} to account ${user.account_id} as ${user.role}.\n` +
          `One-time sign-up token (valid until ${expires}; shown once):\n  ${token}\n`,
      );
    });
  });

users
  .command('set-role')
  .description("change a teammate's role (the account always keeps at least one admin)")
  .requiredOption('--account <id>', 'account id')
  .requiredOption('--email <email>', "the teammate's email")
  .addOption(new Option('--role <role>', 'team role').choices(TEAM_ROLES).makeOptionMandatory())
  .action(async (options: { account: string; email: string; role: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      const teammates = await services.teams.setRole(options.account, { emails: [options.email], team_role: options.role });
      const user = teammates.find((teammate) => teammate.email === normalizeEmail(options.email))!;
      if (globals(command).json) return printJson({ email: user.email, role: user.role });
      process.stdout.write(`${user.email} is now ${user.role}.\n`);
    });
  });

users
  .command('list')
  .description("list an account's teammates: email, role, and whether they have signed up")
  .requiredOption('--account <id>', 'account id')
  .action(async (options: { account: string }, command: Command) => {
    await withServices(async (services) => {
      await services.accounts.getAccount(options.account);
      const rows = await services.teams.list(options.account);
      const status = (row: (typeof rows)[number]) =>
        row.password_hash ? 'active' : row.invite_expires_at !== null ? `invited until ${iso(row.invite_expires_at)}` : 'no password';
      if (globals(command).json) return printJson(rows.map((row) => ({ email: row.email, role: row.role, status: status(row), created_at: iso(row.created_at) })));
      printTable(['EMAIL', 'ROLE', 'STATUS'], rows.map((row) => [row.email, row.role, status(row)]));
    });
  });

users
  .command('set-password')
  .description("set a teammate's password (ends a pending invitation and lifts a sign-in lock). Reads it from standard input when piped, else prompts")
  .requiredOption('--email <email>', "the teammate's email")
  .option('--password-stdin', 'read the password from the first line of standard input')
  .action(async (options: { email: string; passwordStdin?: boolean }, command: Command) => {
    const password = await readPassword({ fromStdin: Boolean(options.passwordStdin) });
    await withServices(async (services) => {
      const user = await services.teams.setPassword(options.email, password);
      if (globals(command).json) return printJson({ email: user.email, password_set: true });
      process.stdout.write(`Set the password of ${user.email}.\n`);
    });
  });

users
  .command('sign-in-link')
  .description('print a one-time link with which a teammate sets a password and signs in: a new invitation if they never signed up, else a password reset (for an admin who lost the first-start link)')
  .requiredOption('--email <email>', "the teammate's email")
  .action(async (options: { email: string }, command: Command) => {
    await withServices(async (services) => {
      const invitation = await services.teams.issueSignInLink(options.email);
      const url = `${services.publicUrl.base}${invitationPath(invitation)}`;
      const expires = iso(invitation.user.invite_expires_at);
      if (globals(command).json) return printJson({ email: invitation.user.email, url, expires_at: expires });
      process.stdout.write(`One-time sign-in link for ${invitation.user.email} (valid until ${expires}; earlier links stop working):\n  ${url}\n`);
    });
  });

registerImportExportCommands(program, globals);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Domain errors carry a message meant for the user; anything else is unexpected.
  const message = error instanceof DomainError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (!(error instanceof DomainError) && process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
}
