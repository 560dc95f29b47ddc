import { parseArgs } from 'node:util';
import { defaultDbPath } from '../paths';
import { type CliCommand, type CliContext, UsageError } from './command';
import { commands } from './commands';

/** `npm run cli -- <command> [--db FILE] [--json] …` — operations without a window, over the same services. */
const common = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(table: readonly CliCommand[]): string {
  const lines = ['usage: npm run cli|bench -- <command> [options] [--db FILE] [--json]', '', 'commands:'];
  for (const c of table) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  return lines.join('\n');
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
    const ctx: CliContext = {
      dbPath: typeof values.db === 'string' ? values.db : defaultDbPath(),
      json,
      log: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
      progress: progressPrinter(json),
    };
    const result = await command.run(ctx, values, positionals);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, command: command.name, ...result })}\n`);
    else process.stdout.write(`${command.format ? command.format(result) : JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    const error = err as Error & { code?: string };
    const code =
      error instanceof UsageError || error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'USAGE' : (error.code ?? 'ERROR');
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, command: command.name, error: { code, message: error.message } })}\n`,
      );
    else process.stderr.write(`error: ${error.message}\n${code === 'USAGE' ? `\n${command.usage}\n` : ''}`);
    return code === 'USAGE' ? 2 : 1;
  }
}
