import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import type { ProgressSink } from '../../shared/progress';
import { startWebServer } from '../adapters/web';
import { defineCommand, intOption, stringOption, UsageError } from '../cli/command';
import { openDatabase } from '../db/database';
import { importExport } from '../mirror/import';
import { runDetection } from '../moderation/detect';
import { createOperator } from '../operators/accounts';
import { hashPassword } from '../operators/passwords';
import { defaultOutboxDir } from '../paths';
import { createServices } from '../services';
import { BENCH_DIR, benchDataName, benchExport, benchMirror } from './bench-data';
import { type DecisionOutcome, verifyDecisions } from './contention-ledger';
import { mib, PeakRss } from './measure';
import { writeSecondSnapshot } from './second-snapshot';
import { mulberry32 } from '../util/seeded-random';

/** Issue 16's targets. */
const READ_P99_TARGET_MS = 100;
const QUEUE_P99_TARGET_MS = 150;
const REFUSED_WITHIN_MS = 2000;
/** A call not answered by then counts as not answered at all. */
const CALL_TIMEOUT_MS = 15_000;

type ReadKind = 'session.get' | 'mirror.status' | 'moderation.queue' | 'moderation.item';
type CallKind = ReadKind | 'moderation.decide';

/** The operators' mix while an import runs: mostly reading the queue, one call in ten a decision. */
const MIX: readonly [CallKind, number][] = [
  ['session.get', 0.2],
  ['mirror.status', 0.15],
  ['moderation.queue', 0.4],
  ['moderation.item', 0.15],
  ['moderation.decide', 0.1],
];

const REVIEWERS = 3;

interface Reply {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

/**
 * `npm run bench -- contention [--users 100000] [--seed 1] [--in-flight 50] [--queue-calls 2000] [--json]`
 *
 * Is the console still answering while another process imports into its mirror? Three processes, as on an
 * operator's machine: this one plays the operators (several signed-in browser sessions over real HTTP, `--in-flight`
 * calls at once), a `serve`-like child serves them (the real web adapter over the real services, its own process
 * so the figures are its event loop's), and a second child imports the next snapshot of the same export into the
 * same mirror (as `npm run cli -- import` would; the import holds the write lock for its whole transaction).
 *
 * The mirror is the export's first snapshot with detection run (a realistic queue). Then:
 * 1. quiet, no import: `--queue-calls` queue pages (the "moderation.queue p99 ≤ 150 ms at 50 in flight"),
 *    then mixed reads — the baseline the contended figures are compared with;
 * 2. contended: the mixed calls (session, status, queue pages, item details, decisions) for the whole import.
 * Every decision is accounted for afterwards from the mirror and the outbox (contention-ledger.ts): confirmed ones
 * exactly once in the table and in the outbox, refused ones nowhere, none lost, none answered twice.
 */
export const contentionBench = defineCommand({
  name: 'contention',
  summary: 'reads, queue pages and decisions at 50 in flight while another process imports into the mirror',
  usage:
    'usage: npm run bench -- contention [--users 100000] [--seed 1] [--in-flight 50] [--queue-calls 2000] [--json]',
  options: {
    users: { type: 'string' },
    seed: { type: 'string' },
    'in-flight': { type: 'string' },
    'queue-calls': { type: 'string' },
  },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 100);
    const seed = intOption(values, 'seed', 1, 0);
    const inFlight = intOption(values, 'in-flight', 50, 1);
    const queueCalls = intOption(values, 'queue-calls', 2000, 10);

    // The data: the first snapshot's mirror (cached), its next snapshot (cached), a fresh copy to work on.
    const first = await benchMirror(users, seed, ctx.progress, ctx.log);
    const secondDir = path.join(BENCH_DIR, `export-${benchDataName(users, seed, 'csv')}-second`);
    if (!fs.existsSync(path.join(secondDir, 'manifest.json'))) {
      ctx.log(`writing the next snapshot of the export into ${secondDir} …`);
      await writeSecondSnapshot(await benchExport(users, seed, ctx.progress, ctx.log), secondDir);
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-bench-contention-'));
    const dbFile = path.join(work, 'mirror.db');
    fs.copyFileSync(first.dbFile, dbFile);
    const password = crypto.randomBytes(18).toString('base64url');
    const names = [...Array.from({ length: REVIEWERS }, (_, i) => `bench-reviewer-${i + 1}`), 'bench-lead'];
    const flagIds = await prepareMirror(dbFile, names, password, ctx.progress, ctx.log);

    const server = await startServer(dbFile);
    try {
      const sessions = await Promise.all(names.map((name) => signIn(server, name, password)));
      const client = new OperatorsClient(server, sessions, flagIds);

      // A fresh console's first calls fill SQLite's page cache and compile its statements; the first 50 calls at
      // once would all wait behind that and make the quiet p99 a figure of the start, not of serving. So a few calls
      // one at a time first — their slowest is reported, not hidden.
      const reads = MIX.filter(([k]) => k !== 'moderation.decide');
      // Browser tabs keep their connections open; a burst of `inFlight` brand-new connections on a busy server is
      // served unfairly by Node's HTTP stack (early requests on the new sockets wait seconds while later ones pass —
      // the same with a bare node:http server). So every lane's connection is opened first, with one cheap call.
      const connect = await client.run(inFlight, { count: inFlight }, [['session.get', 1]]);
      const warmup = await client.run(1, { count: 20 }, reads);
      ctx.log(`quiet: ${queueCalls} queue pages at ${inFlight} in flight …`);
      const quietQueue = await client.run(inFlight, { count: queueCalls }, [['moderation.queue', 1]]);
      ctx.log(`quiet: ${queueCalls} mixed reads at ${inFlight} in flight …`);
      const quietMixed = await client.run(inFlight, { count: queueCalls }, reads);

      ctx.log(`contended: the next snapshot imports in another process while operators work …`);
      const importer = startImport(dbFile, secondDir);
      // The operators' own CPU while they call: it shares the two cores with the console, so it is reported, not
      // hidden (a busy harness answers its replies late and counts that as the console's time).
      const cpuBefore = process.cpuUsage();
      const contendedStarted = performance.now();
      const contended = await client.run(inFlight, { until: importer.done }, MIX);
      const cpu = process.cpuUsage(cpuBefore);
      const operatorsCpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - contendedStarted);
      const imported = await importer.done;
      if (!imported.ok) throw new Error(`the import child failed: ${imported.error}`);
      const { peakRssBytes: serverPeak, loopDelay } = await server.stop();

      const accounting = verifyDecisions(dbFile, defaultOutboxDir(dbFile), client.decisions);
      const readP99 = percentile(contended.readMs, 99);
      const quietReadP99 = percentile(quietMixed.readMs, 99);
      const queueP99 = percentile(quietQueue.byKind['moderation.queue'] ?? [], 99);
      const byKind = (samples: Partial<Record<CallKind, number[]>>) =>
        Object.fromEntries(
          Object.entries(samples).map(([k, ms]) => [
            k,
            {
              calls: ms.length,
              p50: percentile(ms, 50),
              p95: percentile(ms, 95),
              p99: percentile(ms, 99),
              max: largest(ms),
            },
          ]),
        );
      return {
        users,
        seed,
        inFlight,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
        import: {
          ms: Math.round(imported.ms),
          rows: imported.rows,
          nice: imported.priority,
          transactionsParsedOn: imported.transactionsParsedOn ?? null,
          callsDuring: contended.calls,
        },
        readP99Ms: readP99,
        quietReadP99Ms: quietReadP99,
        readP99Ratio: quietReadP99 > 0 ? Math.round((readP99 / quietReadP99) * 100) / 100 : null,
        queueP99Ms: queueP99,
        warmup: {
          connections: connect.calls,
          connectSlowestMs: largest(connect.readMs),
          calls: warmup.calls,
          slowestMs: largest(warmup.readMs),
        },
        contended: byKind(contended.byKind),
        quiet: { queue: byKind(quietQueue.byKind), mixed: byKind(quietMixed.byKind) },
        decisionsSent: client.decisions.length,
        decisionsConfirmed: accounting.confirmed,
        decisionsRefused: accounting.refused,
        refusedSlowestMs: accounting.refusedSlowestMs,
        refusedButRecorded: accounting.refusedButRecorded,
        lost: accounting.lost,
        answeredTwice: accounting.answeredTwice,
        otherErrors: [connect, warmup, quietQueue, quietMixed, contended].flatMap((f) => f.otherErrors),
        /** The operators' process's CPU during the import, in cores (1 = one core busy the whole time). */
        operatorsCpuCores: Math.round(operatorsCpuShare * 100) / 100,
        serverPeakRssMiB: mib(serverPeak),
        serverLoopDelayMs: loopDelay,
        targets: {
          readP99Ms: READ_P99_TARGET_MS,
          queueP99Ms: QUEUE_P99_TARGET_MS,
          refusedWithinMs: REFUSED_WITHIN_MS,
          met:
            readP99 <= READ_P99_TARGET_MS &&
            queueP99 <= QUEUE_P99_TARGET_MS &&
            accounting.refusedSlowestMs <= REFUSED_WITHIN_MS &&
            accounting.lost === 0 &&
            accounting.answeredTwice === 0 &&
            accounting.refusedButRecorded === 0,
        },
      };
    } finally {
      await server.stop().catch(() => 0);
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
  format(r) {
    const k = (x: { p50: number; p99: number; max: number; calls: number }) =>
      `p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms (${x.calls} calls)`;
    return [
      `${r.users.toLocaleString('en')} users, ${r.inFlight} in flight, load ${r.loadAverage.join(' ')}`,
      `quiet: moderation.queue p99 ${r.queueP99Ms} ms (target ≤ ${r.targets.queueP99Ms}); mixed reads p99 ${r.quietReadP99Ms} ms`,
      `import of the next snapshot in another process: ${(r.import.ms / 1000).toFixed(1)} s, ${r.import.callsDuring} calls answered meanwhile`,
      ...Object.entries(r.contended).map(([name, x]) => `  ${name.padEnd(18)} ${k(x)}`),
      `reads p99 during the import ${r.readP99Ms} ms (target ≤ ${r.targets.readP99Ms}), ${r.readP99Ratio ?? '–'}× the quiet p99`,
      `decisions: ${r.decisionsSent} sent, ${r.decisionsConfirmed} confirmed (each once in the table and the outbox), ${r.decisionsRefused} refused (slowest ${r.refusedSlowestMs} ms; recorded anyway: ${r.refusedButRecorded}), lost ${r.lost}, answered twice ${r.answeredTwice}`,
      `other answers: ${r.otherErrors.length ? r.otherErrors.slice(0, 5).join('; ') : 'none'} (an item the import removed answers NOT_FOUND)`,
      `the operators' own process used ${r.operatorsCpuCores} of a core meanwhile (the console shares the cores)`,
      `serving process peak RSS ${r.serverPeakRssMiB} MiB, event loop delay p99 ${r.serverLoopDelayMs?.p99 ?? '–'} ms (max ${r.serverLoopDelayMs?.max ?? '–'} ms); targets ${r.targets.met ? 'met' : 'NOT met'}`,
    ].join('\n');
  },
});

/** Detection over the first snapshot (the queue operators work), the bench's operators, and the open items. */
async function prepareMirror(
  dbFile: string,
  names: string[],
  password: string,
  progress: ProgressSink,
  log: (l: string) => void,
) {
  const db = openDatabase(dbFile);
  try {
    log('detecting over the first snapshot (the queue the operators work) …');
    runDetection(db, progress, { operator: 'bench' });
    const passwordHash = await hashPassword(password);
    for (const name of names)
      createOperator(db, {
        name,
        role: name === 'bench-lead' ? 'lead' : 'reviewer',
        passwordHash,
        mustChangePassword: false,
        createdBy: 'bench',
      });
    const open = db
      .prepare(
        `SELECT f.id FROM flags f WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.flag_id = f.id) ORDER BY f.id`,
      )
      .pluck()
      .all() as number[];
    if (open.length < 50) throw new UsageError(`the mirror has only ${open.length} open items: use more --users`);
    return open;
  } finally {
    db.close();
  }
}

/** What the serving process says as it stops: its peak RSS and its event loop's delays (ms; null if it died). */
interface ServerEnd {
  peakRssBytes: number;
  loopDelay: { p50: number; p99: number; max: number } | null;
}

interface Server {
  /** Where the serving process listens (loopback), read once from its URL. */
  host: string;
  port: number;
  token: string;
  /** Ends the serving process (its outbox writer flushes on close) and returns its peak RSS in bytes. */
  stop(): Promise<ServerEnd>;
}

/** The serving process: `contention-serve` below, in a fresh Node with the same loader flags. */
function startServer(dbFile: string): Promise<Server> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'contention-serve', '--db', dbFile], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopped: Promise<ServerEnd> | null = null;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the serving process exited (${code}) before it was ready`)));
    child.once('message', (m: { url: string; token: string }) => {
      const url = new URL(m.url);
      resolve({
        host: url.hostname,
        port: Number(url.port),
        token: m.token,
        stop: () =>
          (stopped ??= new Promise<ServerEnd>((done) => {
            child.removeAllListeners('exit');
            child.once('message', (end: ServerEnd) => done(end));
            child.once('exit', () => done({ peakRssBytes: 0, loopDelay: null }));
            child.send('stop');
          })),
      });
    });
  });
}

/** `contention-serve --db FILE`: the console's services and web adapter on loopback, until told to stop. */
export const contentionServeStep = defineCommand({
  name: 'contention-serve',
  summary: "the contention bench's serving process (not run by hand)",
  usage: 'usage: npm run bench -- contention-serve --db FILE',
  options: {},
  async run(ctx) {
    if (!process.send) throw new UsageError('contention-serve is started by the contention bench');
    const peak = new PeakRss();
    // How long the serving loop was kept from running ready work: tells a stalled loop from a slow answer elsewhere.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const services = createServices({ dbPath: ctx.dbPath, log: () => {} });
    const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-bench-renderer-'));
    const server = await startWebServer({ services, rendererDir });
    process.send({ url: server.url, token: server.token });
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
    await server.close();
    services.close();
    fs.rmSync(rendererDir, { recursive: true, force: true });
    loopDelay.disable();
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const end: ServerEnd = {
      peakRssBytes: peak.stop(),
      loopDelay: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    };
    process.send(end);
    process.disconnect();
    return { stopped: true };
  },
});

/** The importing process: `contention-import`, as `npm run cli -- import` would run it. */
function startImport(dbFile: string, exportDir: string): { done: Promise<ImportResult> } {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, 'contention-import', '--db', dbFile, '--export', exportDir, '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const done = new Promise<ImportResult>((resolve) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ImportResult);
      } catch {
        resolve({ ok: false, ms: 0, rows: 0, priority: null, error: out.slice(-300) });
      }
    });
  });
  return { done };
}

interface ImportResult {
  ok: boolean;
  ms: number;
  rows: number;
  /** The importing process's nice value. */
  priority: number | null;
  /** Whether the transactions were parsed on a helper thread (it takes one only when cores are idle). */
  transactionsParsedOn?: 'inline' | 'helper' | null;
  error?: string;
}

export const contentionImportStep = defineCommand({
  name: 'contention-import',
  summary: "the contention bench's importing process (not run by hand)",
  usage: 'usage: npm run bench -- contention-import --db FILE --export DIR',
  options: { export: { type: 'string' } },
  // As `npm run cli -- import` (cli/commands/import.ts): the import yields the CPU to the console's calls.
  background: true,
  async run(ctx, values) {
    const exportDir = stringOption(values, 'export');
    if (!exportDir) throw new UsageError('--export DIR is required');
    const priority = os.getPriority(0);
    const db = openDatabase(ctx.dbPath);
    try {
      const started = performance.now();
      const summary = importExport(db, exportDir, { operator: 'bench-importer', progress: ctx.progress });
      const tx = Object.entries(summary.files).find(([name]) => name.startsWith('transactions.'))?.[1];
      return {
        ms: performance.now() - started,
        rows: summary.totals.read,
        priority,
        transactionsParsedOn: tx?.parsedOn ?? null,
      };
    } finally {
      db.close();
    }
  },
});

interface Session {
  name: string;
  cookie: string;
}

/**
 * One call over HTTP as a browser tab makes it (keep-alive, its session cookie). node:http rather than fetch: the
 * operators' side shares this machine's two cores with the serving process, so it should cost as little as a
 * browser's network stack costs the console — which is nothing.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** A success envelope as the web adapter writes it (adapters/web.ts): `ok` first, then the value. */
const OK_PREFIX = Buffer.from('{"ok":true,');

/**
 * `envelope: 'full'` decodes the whole reply (sign-in, decisions: their value is checked afterwards); `'status'`
 * decodes only what a read's figures need — whether it succeeded (the envelope's first bytes) and, when it did not,
 * the error. Profiled under this bench at 100k users, decoding every queue page and item pane in full kept the
 * operators' process busy 73 % of a core on the two cores the console shares: a reply it had not decoded yet counted
 * as a slow answer, so the figures measured the harness as much as the console.
 */
function post(
  server: Server,
  name: string,
  input: unknown,
  cookie?: string,
  envelope: 'full' | 'status' = 'full',
): Promise<HttpReply> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: server.host,
        port: server.port,
        path: `/api/${name}`,
        method: 'POST',
        agent,
        timeout: CALL_TIMEOUT_MS,
        headers: {
          Authorization: `Bearer ${server.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...(cookie ? { Cookie: cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const status = res.statusCode ?? 0;
            const setCookie = res.headers['set-cookie']?.[0];
            const first = chunks[0];
            if (
              envelope === 'status' &&
              status === 200 &&
              first &&
              first.subarray(0, OK_PREFIX.length).equals(OK_PREFIX)
            )
              resolve({ status, setCookie, reply: { ok: true } });
            else resolve({ status, setCookie, reply: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply });
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${name}: no answer within ${CALL_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface HttpReply {
  status: number;
  setCookie: string | undefined;
  reply: Reply;
}

/** Signs in over HTTP as a browser would, keeping the session cookie. */
async function signIn(server: Server, name: string, password: string): Promise<Session> {
  const { reply, setCookie } = await post(server, 'session.signIn', { name, password });
  const cookie = setCookie?.split(';')[0];
  if (!reply.ok || !cookie) throw new Error(`bench sign-in as ${name} failed: ${JSON.stringify(reply.error)}`);
  return { name, cookie };
}

interface RunFigures {
  calls: number;
  readMs: number[];
  byKind: Partial<Record<CallKind, number[]>>;
  /** Answers that were neither ok nor an expected refusal (a read refused, a 5xx): there should be none. */
  otherErrors: string[];
}

/** Several operators' sessions calling at once: `inFlight` calls always outstanding. */
class OperatorsClient {
  readonly decisions: DecisionOutcome[] = [];
  private nextFlag = 0;
  private readonly rand = mulberry32(7);

  constructor(
    private readonly server: Server,
    private readonly sessions: Session[],
    private readonly flagIds: number[],
  ) {}

  async run(
    inFlight: number,
    stop: { count: number } | { until: Promise<unknown> },
    mix: readonly [CallKind, number][],
  ): Promise<RunFigures> {
    const figures: RunFigures = { calls: 0, readMs: [], byKind: {}, otherErrors: [] };
    let finished = false;
    if ('until' in stop) void stop.until.then(() => (finished = true));
    let issued = 0;
    const more = () => ('count' in stop ? issued < stop.count : !finished);
    const lane = async (lane: number) => {
      while (more()) {
        issued++;
        // Each open item is decided at most once (deciding a decided item is a conflict, not contention): once
        // all are decided, a decision's turn reads an item instead.
        let kind = this.pick(mix);
        if (kind === 'moderation.decide' && this.nextFlag >= this.flagIds.length) kind = 'moderation.item';
        const session = this.sessions[kind === 'moderation.decide' ? lane % REVIEWERS : lane % this.sessions.length]!;
        const { ms, error } = await this.call(kind, session);
        figures.calls++;
        (figures.byKind[kind] ??= []).push(ms);
        if (kind !== 'moderation.decide') figures.readMs.push(ms);
        if (error) figures.otherErrors.push(`${kind}: ${error}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
    return figures;
  }

  private pick(mix: readonly [CallKind, number][]): CallKind {
    const total = mix.reduce((a, [, w]) => a + w, 0);
    let r = this.rand() * total;
    for (const [kind, w] of mix) if ((r -= w) < 0) return kind;
    return mix[mix.length - 1]![0];
  }

  private input(kind: ReadKind): unknown {
    const anyFlag = () => this.flagIds[Math.floor(this.rand() * this.flagIds.length)]!;
    switch (kind) {
      case 'session.get':
      case 'mirror.status':
        return {};
      case 'moderation.queue': {
        const queues = ['unreviewed', 'unreviewed', 'held', 'resolved'] as const;
        return {
          queue: queues[Math.floor(this.rand() * queues.length)],
          offset: 50 * Math.floor(this.rand() * 20),
          limit: 50,
        };
      }
      case 'moderation.item':
        return { flagId: anyFlag() };
    }
  }

  /** `error`: what went wrong with a read (its code, or why no answer came); a decision's outcome is kept apart. */
  private async call(kind: CallKind, session: Session): Promise<{ ms: number; error?: string }> {
    if (kind === 'moderation.decide') return this.decide(session);
    return this.read(kind, session);
  }

  private async read(kind: ReadKind, session: Session): Promise<{ ms: number; error?: string }> {
    const started = performance.now();
    try {
      const { reply } = await post(this.server, kind, this.input(kind), session.cookie, 'status');
      const ms = Math.round(performance.now() - started);
      return reply.ok ? { ms } : { ms, error: reply.error?.code ?? 'no code' };
    } catch (err) {
      return { ms: Math.round(performance.now() - started), error: (err as Error).message };
    }
  }

  /** One decision on an item nobody decided yet: what the answer said, to be checked against the mirror. */
  private async decide(session: Session): Promise<{ ms: number; error?: string }> {
    const flagId = this.flagIds[this.nextFlag++]!;
    const started = performance.now();
    const outcome: DecisionOutcome = { flagId, answer: 'none', decisionId: null, ms: 0 };
    this.decisions.push(outcome);
    let said = '';
    try {
      const { reply, status } = await post(
        this.server,
        'moderation.decide',
        { flagId, action: 'warn', reasonCode: 'spam_confirmed', note: `contention check by ${session.name}` },
        session.cookie,
      );
      if (reply.ok) {
        outcome.answer = 'confirmed';
        outcome.decisionId = (reply.value as { id: number }).id;
      } else if (reply.error?.code === 'BUSY') outcome.answer = 'refused';
      else {
        outcome.answer = `error:${reply.error?.code ?? status}`;
        // The console's own words (they quote nothing from the request): what went wrong, to be found and fixed.
        said = reply.error?.message.slice(0, 200) ?? '';
      }
    } catch {
      outcome.answer = 'none';
    }
    outcome.ms = Math.round(performance.now() - started);
    // Neither confirmed nor refused for the lock (nor unanswered: that is `lost`): an answer of another kind.
    return outcome.answer.startsWith('error:')
      ? { ms: outcome.ms, error: `${outcome.answer} (${said})` }
      : { ms: outcome.ms };
  }
}

/** The largest sample (0 for none); not Math.max(...values): a long import gives more samples than a call has arguments. */
function largest(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), 0);
}

/** The p-th percentile (nearest rank) in ms; 0 for no samples. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
