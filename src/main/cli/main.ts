import os from 'node:os';
import { parseArgs } from 'node:util';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { requireRole } from '../handlers/guards';
import { countOperators, findOperator } from '../operators/accounts';
import { defaultDbPath } from '../paths';
import { type CliCommand, type CliContext, UsageError } from './command';
import { commands } from './commands';
import { runAsBackgroundWork } from '../util/background-priority';

/** `npm run cli -- <command> [--db FILE] [--json] …` — operations without a window, over the same services. */
const common = {
  db: { type: 'string' },
  operator: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(table: readonly CliCommand[]): string {
  const lines = [
    'usage: npm run cli|bench -- <command> [options] [--db FILE] [--operator NAME] [--json]',
    '',
    'commands:',
  ];
  for (const c of table) lines.push(`  ${c.name.padEnd(10)} ${c.access ? `(${c.access}) ` : ''}${c.summary}`);
  lines.push(
    '',
    'Commands marked with a role act on the mirror as an operator account of it: --operator NAME, else',
    '$ENCOUNTER_OPERATOR, else your login name. The CLI trusts whoever runs it with the database file (no password):',
    'it checks the account is enabled and has the role, and records the name.',
  );
  return lines.join('\n');
}

/**
 * The operator a command acts as. The CLI is a local tool run by someone who already holds the mirror file (and
 * could change it with any SQLite client), so it asks no password: it names an account, checks that the account
 * is enabled and has the command's role — the same rule and the same FORBIDDEN as a call from a window — and
 * attributes what the command does to it.
 */
function resolveOperator(
  command: CliCommand,
  dbPath: string,
  named: string | undefined,
): { name: string; role: NonNullable<CliCommand['access']> } | null {
  if (!command.access) return null;
  const name = named ?? process.env.ENCOUNTER_OPERATOR ?? os.userInfo().username;
  const db = openDatabase(dbPath);
  try {
    if (command.firstAdminWithoutOperator && named === undefined && countOperators(db) === 0) return null;
    const account = findOperator(db, name.trim().normalize('NFC'));
    if (!account?.enabled)
      throw new DomainError(
        'NOT_SIGNED_IN',
        `${command.name} acts on the mirror as an operator: there is no enabled operator account named "${name}" (name one with --operator NAME; see: npm run cli -- operator list)`,
        say('notSignedIn', {}),
      );
    const operator = { name: account.name, role: account.role };
    requireRole(operator, command.access, command.name);
    return operator;
  } finally {
    closeDatabase(db);
  }
}

function progressPrinter(json: boolean): CliContext['progress'] {
  let lastPrint = 0;
  return {
    report(phase, done, total) {
      const now = Date.now();
      if (now - lastPrint < 500 && (total === null || done < total)) return;
      lastPrint = now;
      const pct = total ? ` ${((100 * done) / total).toFixed(0)}%` : '';
      process.stderr.write(
        `${json ? '' : '  '}${phase}: ${done.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''}${pct}\n`,
      );
    },
    throwIfCancelled() {},
  };
}

export async function main(argv: string[], table: readonly CliCommand[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  const command: CliCommand | undefined = table.find((c) => c.name === name);
  if (!command) {
    const asked = name === undefined || name === '--help' || name === '-h' || name === 'help';
    process.stderr.write(`${asked ? '' : `unknown command "${name}"\n\n`}${usage(table)}\n`);
    return asked ? 0 : 2;
  }
  const json = rest.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...common, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    const dbPath = typeof values.db === 'string' ? values.db : defaultDbPath();
    const ctx: CliContext = {
      dbPath,
      json,
      log: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
      progress: progressPrinter(json),
      operator: resolveOperator(command, dbPath, typeof values.operator === 'string' ? values.operator : undefined),
    };
    if (command.background) runAsBackgroundWork('own-process');
    const result = await command.run(ctx, values, positionals);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, command: command.name, ...result })}\n`);
    else process.stdout.write(`${command.format ? command.format(result) : JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    const error = err as Error & { code?: string };
    const code =
      error instanceof UsageError || error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'USAGE' : (error.code ?? 'ERROR');
    const details = error instanceof DomainError && error.details?.needs ? { needs: error.details.needs } : {};
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, command: command.name, error: { code, message: error.message, ...details } })}\n`,
      );
    else process.stderr.write(`error: ${error.message}\n${code === 'USAGE' ? `\n${command.usage}\n` : ''}`);
    return code === 'USAGE' ? 2 : 1;
  }
}
