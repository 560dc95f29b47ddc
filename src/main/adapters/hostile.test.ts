import { ensureTestOperator, TEST_OPERATORS, TEST_PASSWORD } from '../testing/operators';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames, contract } from '../../shared/contract';
import { calendarDateSchema } from '../../shared/contract/dates';
import { PeakRss } from '../bench/measure';
import { generateExport } from '../mirror/generator';
import { tempDir, tempServices } from '../testing/temp';
import { startWebServer, type WebServer } from './web';

/**
 * Hostile calls over HTTP, as any signed-in operator (or anyone holding the page's token) can send them: files that
 * are not plain files for every call that takes a path, malformed escapes, bodies and dates for every call. Each is
 * answered 4xx within a second, quoting nothing it was sent, and the server's memory stays bounded throughout.
 */

/** Sent in every malformed request; an answer that contains it quoted the request back. */
const MARK = 'QX7hostile';
const WITHIN_MS = 1000;
const RSS_GROWTH_LIMIT = 300 * 2 ** 20;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

function send(
  server: WebServer,
  options: { path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: options.path,
        headers: { Host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Whether a call's input holds a contract date at its top level (wrapped as optional, nullable or defaulted). */
function dateFieldsOf(schema: z.ZodType): string[] {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType> } } })._zod.def;
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape)
    .filter(([, field]) => isDate(field))
    .map(([key]) => key);
}

function isDate(schema: z.ZodType): boolean {
  if (schema === calendarDateSchema) return true;
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
  return ['optional', 'nullable', 'default', 'prefault'].includes(def.type) && def.innerType
    ? isDate(def.innerType)
    : false;
}

describe('hostile calls over HTTP', () => {
  const services = tempServices();
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  const files = tempDir('encounter-hostile-');
  const at = (...names: string[]): string => path.join(files, ...names);
  let server: WebServer;
  let peak: PeakRss;
  let rssBefore = 0;
  const auth = { 'Content-Type': 'application/json' } as Record<string, string>;
  const replies: { what: string; reply: Reply }[] = [];

  /** Sends one hostile call and keeps its reply for the checks every reply must pass. */
  async function hostile(what: string, call: string, body: string | Buffer, headers = auth): Promise<Reply> {
    const reply = await send(server, { path: `/api/${call}`, headers, body });
    replies.push({ what, reply });
    return reply;
  }

  beforeAll(async () => {
    server = await startWebServer({ services, rendererDir });
    auth.Authorization = `Bearer ${server.token}`;
    await ensureTestOperator(services, 'lead');
    const signedIn = await send(server, {
      path: '/api/session.signIn',
      headers: auth,
      body: JSON.stringify({ name: TEST_OPERATORS.lead, password: TEST_PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    // Every hostile call is sent by a signed-in lead: refusals must come from what is wrong with the call.
    auth.Cookie = String(signedIn.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

    // A small real export, then the hostile things a path can name.
    await generateExport({ users: 30, days: 3, seed: 5, out: at('export') });
    execFileSync('mkfifo', [at('fifo')]);
    const socket = net.createServer().listen(at('socket'));
    afterAll(() => socket.close());
    fs.symlinkSync('/dev/zero', at('zero-link'));
    fs.symlinkSync('/etc', at('etc-link'));
    fs.closeSync(fs.openSync(at('huge'), 'w'));
    fs.truncateSync(at('huge'), 65 * 2 ** 30); // sparse: over every cap (an export's data file: 64 GiB), no disk used
    // Exports that each hold one hostile file where a data file or the manifest should be.
    const hostileExport = (name: string, file: string, make: (target: string) => void): void => {
      fs.cpSync(at('export'), at(name), { recursive: true });
      fs.rmSync(at(name, file));
      make(at(name, file));
    };
    hostileExport('export-fifo', 'users.jsonl', (t) => execFileSync('mkfifo', [t]));
    hostileExport('export-zero', 'users.jsonl', (t) => fs.symlinkSync('/dev/zero', t));
    hostileExport('export-huge', 'users.jsonl', (t) => {
      fs.closeSync(fs.openSync(t, 'w'));
      fs.truncateSync(t, 65 * 2 ** 30);
    });
    hostileExport('export-manifest-fifo', 'manifest.json', (t) => execFileSync('mkfifo', [t]));
    hostileExport('export-manifest-zero', 'manifest.json', (t) => fs.symlinkSync('/dev/zero', t));
    hostileExport('export-manifest-huge', 'manifest.json', (t) => {
      fs.closeSync(fs.openSync(t, 'w'));
      fs.truncateSync(t, 2 ** 30);
    });
    // An export directory the mirror imported (its run row, as an import leaves it): the one place the console
    // reads labels from, so what sits there as labels.jsonl is hostile too.
    fs.mkdirSync(at('imported'));
    services.db
      .prepare(
        `INSERT INTO import_runs (export_dir, operator, started_at, finished_at, status) VALUES (?, 'test', '2026-11-24T00:00:00Z', '2026-11-24T00:01:00Z', 'completed')`,
      )
      .run(at('imported'));

    rssBefore = process.memoryUsage.rss();
    peak = new PeakRss();
  });
  afterAll(() => server.close());

  it('every path-taking call refuses devices, FIFOs, sockets, huge files and links, at once', async () => {
    const outside = [
      '/dev/zero',
      '/dev/urandom',
      '/dev/stdin',
      '/proc/self/fd/0',
      at('fifo'),
      at('socket'),
      at('zero-link'),
      at('etc-link'),
      at('huge'),
      '/etc/shadow',
      '/nonexistent',
    ];
    for (const dir of outside) {
      const reply = await hostile(`import ${dir}`, 'mirror.startImport', JSON.stringify({ dir }));
      expect(JSON.parse(reply.body).error.code, dir).toBe('BAD_EXPORT');
    }
    // An export holding one hostile file is refused before a worker starts, naming that file.
    for (const [dir, file] of [
      ['export-fifo', 'users.jsonl'],
      ['export-zero', 'users.jsonl'],
      ['export-huge', 'users.jsonl'],
      ['export-manifest-fifo', 'manifest.json'],
      ['export-manifest-zero', 'manifest.json'],
      ['export-manifest-huge', 'manifest.json'],
    ]) {
      const reply = await hostile(`import ${dir}`, 'mirror.startImport', JSON.stringify({ dir: at(dir!) }));
      const error = JSON.parse(reply.body).error;
      expect(error.code, dir).toBe('BAD_EXPORT');
      expect(error.message, dir).toContain(at(dir!, file!));
    }
    expect(services.jobs.list().filter((j) => j.kind === 'import')).toEqual([]);

    // From the console, labels outside an imported export all get one answer, whatever is (or is not) there.
    const answers = new Set<string>();
    for (const labelsFile of outside) {
      const reply = await hostile(`labels ${labelsFile}`, 'moderation.evaluate', JSON.stringify({ labelsFile }));
      answers.add(`${reply.status} ${reply.body}`);
    }
    expect(answers.size).toBe(1);
    // Inside an imported export, a labels.jsonl that is not a plain file within its cap is refused, never opened.
    const labels = at('imported', 'labels.jsonl');
    const asLabels: [string, () => void][] = [
      ['fifo', () => execFileSync('mkfifo', [labels])],
      ['link to /dev/zero', () => fs.symlinkSync('/dev/zero', labels)],
      ['link to a plain file', () => fs.symlinkSync(at('export', 'labels.jsonl'), labels)],
      ['directory', () => fs.mkdirSync(labels)],
      [
        'huge',
        () => {
          fs.closeSync(fs.openSync(labels, 'w'));
          fs.truncateSync(labels, 2 ** 30);
        },
      ],
    ];
    for (const [what, make] of asLabels) {
      fs.rmSync(labels, { recursive: true, force: true });
      make();
      const reply = await hostile(`labels ${what}`, 'moderation.evaluate', JSON.stringify({ labelsFile: labels }));
      expect(JSON.parse(reply.body).ok, what).toBe(false);
    }
  });

  it('every call refuses malformed escapes, bodies and content types with a 400', async () => {
    for (const call of callNames) {
      const bad: [string, string, string | Buffer, Record<string, string>][] = [
        ['bad escape', `${call}%E0%A4%${MARK}`, '{}', auth],
        ['bad escape', `${call}%ZZ${MARK}`, '{}', auth],
        ['not JSON', call, `{"${MARK}": `, auth],
        ['not an object', call, `"${MARK}"`, auth],
        [
          'not UTF-8',
          call,
          Buffer.concat([Buffer.from(`{"${MARK}":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
          auth,
        ],
        ['not JSON content', call, JSON.stringify({ [MARK]: 1 }), { ...auth, 'Content-Type': `text/plain; ${MARK}` }],
        ['unknown field', call, JSON.stringify({ [MARK]: MARK }), auth],
      ];
      for (const [what, name, body, headers] of bad) {
        const reply = await hostile(`${what} ${call}`, name, body, headers);
        expect(reply.status, `${what} ${call}`).toBe(400);
      }
    }
  });

  it('every date of every call is a calendar date, refused where the call enters', async () => {
    const withDates = callNames.filter((call) => dateFieldsOf(contract[call].input).length > 0);
    expect(withDates).toContain('matching.start');
    for (const call of withDates)
      for (const field of dateFieldsOf(contract[call].input))
        for (const date of ['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '0000-00-00']) {
          const reply = await hostile(`${field} ${date} ${call}`, call, JSON.stringify({ [field]: date }));
          expect(reply.status, `${call} ${field} ${date}`).toBe(400);
          const error = JSON.parse(reply.body).error;
          expect(error.code).toBe('INVALID_INPUT');
          expect(error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
        }
  });

  it('a request line or headers the parser refuses are a 400 too', async () => {
    const raw = (text: string): Promise<Reply> =>
      new Promise((resolve) => {
        const started = performance.now();
        const socket = net.connect(server.port, '127.0.0.1', () => socket.end(text));
        let body = '';
        socket.on('data', (c: Buffer) => (body += c.toString()));
        socket.on('close', () => {
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(body)?.[1] ?? 0);
          resolve({ status, headers: {}, body, ms: performance.now() - started });
        });
      });
    for (const [what, text] of [
      ['huge header', `POST /api/session.get HTTP/1.1\r\nHost: 127.0.0.1\r\nX-${MARK}: ${'a'.repeat(64_000)}\r\n\r\n`],
      ['broken request line', `POST /api/${MARK} HTTP/9\r\n\r\n`],
      ['NUL in a header', `POST /api/session.get HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ${MARK}\u0000\r\n\r\n`],
    ] as const) {
      const reply = await raw(text);
      replies.push({ what, reply });
      expect(reply.status, what).toBe(400);
    }
  });

  it('a second import while one runs is BUSY at once, naming the job that runs', async () => {
    const call = (): Promise<Reply> =>
      send(server, { path: '/api/mirror.startImport', headers: auth, body: JSON.stringify({ dir: at('export') }) });
    const first = await call();
    expect(first.status).toBe(200);
    const { jobId } = JSON.parse(first.body).value as { jobId: string };
    const second = await call();
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body).error).toMatchObject({
      code: 'BUSY',
      message: expect.stringContaining(`already running (${jobId})`),
      details: { say: { id: 'jobRunning', params: { kind: 'import' } } },
    });
    expect(second.ms).toBeLessThan(WITHIN_MS);
    await expect
      .poll(() => services.jobs.list().find((j) => j.jobId === jobId)?.state, { timeout: 30_000 })
      .toBe('completed');
  });

  it('every hostile reply was a 4xx within a second, quoted nothing it was sent, and memory stayed bounded', () => {
    expect(replies.length).toBeGreaterThan(callNames.length * 7);
    for (const { what, reply } of replies) {
      expect(reply.status, what).toBeGreaterThanOrEqual(400);
      expect(reply.status, what).toBeLessThan(500);
      expect(reply.ms, what).toBeLessThan(WITHIN_MS);
      expect(reply.body, what).not.toContain(MARK);
    }
    expect(peak.stop() - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
  });
});
