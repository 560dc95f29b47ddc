import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/progress';
import { setOperatorEnabled } from '../operators/accounts';
import { ensureTestOperator, TEST_OPERATORS, TEST_PASSWORD } from '../testing/operators';
import { tempDir, tempServices } from '../testing/temp';
import { startWebServer, type WebServer } from './web';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP so the test controls every header (fetch would refuse to forge Host). */
function request(
  server: WebServer,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: { Host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An event stream as a browser's EventSource opens it: the launch token in the URL, the session cookie sent along. */
interface Stream {
  status: number;
  /** Everything received so far. */
  text(): string;
  /** Settles when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function openStream(server: WebServer, cookie?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/events?token=${server.token}`,
        headers: { Host: `127.0.0.1:${server.port}`, ...(cookie ? { Cookie: cookie } : {}) },
      },
      (res) => {
        let text = '';
        const ended = new Promise<void>((end) => res.on('end', end));
        res.on('data', (c: Buffer) => (text += c.toString()));
        // Answered once the first bytes came (a stream's ': connected', a refusal's whole body).
        res.once('data', () =>
          resolve({ status: res.statusCode ?? 0, text: () => text, ended, close: () => req.destroy() }),
        );
      },
    );
    req.on('error', reject);
  });
}

const progress = (jobId: string): JobProgress => ({
  jobId,
  kind: 'import',
  phase: 'users.jsonl',
  done: 5,
  total: 10,
  state: 'running',
});

describe('web adapter', () => {
  const services = tempServices();
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  let server: WebServer;
  const auth = (): Record<string, string> => ({
    Authorization: `Bearer ${server.token}`,
    'Content-Type': 'application/json',
  });

  /** The session cookie a sign-in set (`name=value`), for the calls that follow. */
  let cookie = '';
  const signInAs = async (name: string, password = TEST_PASSWORD): Promise<Reply> =>
    request(server, { path: '/api/session.signIn', headers: auth(), body: JSON.stringify({ name, password }) });
  const cookieOf = (reply: Reply): string => String(reply.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

  beforeAll(async () => {
    server = await startWebServer({ services, rendererDir, maxBodyBytes: 4096 });
    await ensureTestOperator(services, 'lead');
    await ensureTestOperator(services, 'reviewer');
    cookie = cookieOf(await signInAs(TEST_OPERATORS.lead));
  });
  afterAll(() => server.close());

  it('answers a valid call with the envelope from the real handlers', async () => {
    const reply = await request(server, {
      path: '/api/mirror.status',
      headers: { ...auth(), Cookie: cookie },
      body: '{}',
    });
    expect(reply.status).toBe(200);
    const envelope = JSON.parse(reply.body);
    expect(envelope.ok).toBe(true);
    expect(envelope.value.dbPath).toBe(services.dbPath);
    expect(envelope.value.tables.find((t: { name: string }) => t.name === 'users')).toEqual({ name: 'users', rows: 0 });
  });

  it('signs each browser session in with its own HttpOnly, SameSite=Strict, path-scoped cookie over the token', async () => {
    const reply = await signInAs(TEST_OPERATORS.reviewer);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { operator: { name: '王芳', role: 'reviewer' } } });
    const header = String(reply.headers['set-cookie']?.[0]);
    expect(header).toMatch(
      new RegExp(`^encounter_session_${server.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/api/$`),
    );
    const reviewerCookie = cookieOf(reply);
    const who = async (c: string) =>
      JSON.parse(
        (await request(server, { path: '/api/session.get', headers: { ...auth(), Cookie: c }, body: '{}' })).body,
      ).value.operator;
    // Two browser sessions at once, each its own operator: neither sign-in changed the other.
    expect(await who(reviewerCookie)).toEqual({ name: '王芳', role: 'reviewer' });
    expect(await who(cookie)).toEqual({ name: '李娜', role: 'lead' });
    expect(await who('')).toBeNull();
    // Only the hash is stored: the cookie's value appears nowhere in the mirror.
    const token = reviewerCookie.split('=')[1]!;
    expect(
      services.db
        .prepare(`SELECT count(*) FROM operator_sessions WHERE token_hash = ?`)
        .pluck()
        .get(Buffer.from(token)),
    ).toBe(0);
    // A cookie without the launch token is nothing.
    expect(
      (await request(server, { path: '/api/session.get', headers: { Cookie: reviewerCookie }, body: '{}' })).status,
    ).toBe(401);
    // Signing out ends the session and clears the cookie; the old value no longer signs anyone in.
    const out = await request(server, {
      path: '/api/session.signOut',
      headers: { ...auth(), Cookie: reviewerCookie },
      body: '{}',
    });
    expect(JSON.parse(out.body).value).toEqual({ signedOut: true });
    expect(String(out.headers['set-cookie']?.[0])).toContain('Max-Age=0');
    expect(await who(reviewerCookie)).toBeNull();
    const refused = await request(server, {
      path: '/api/mirror.status',
      headers: { ...auth(), Cookie: reviewerCookie },
      body: '{}',
    });
    expect(JSON.parse(refused.body).error.code).toBe('NOT_SIGNED_IN');
  });

  it('401 without a token, with a wrong token, and on the event stream without one', async () => {
    expect((await request(server, { path: '/api/mirror.status', body: '{}' })).status).toBe(401);
    expect(
      (await request(server, { path: '/api/mirror.status', headers: { Authorization: 'Bearer nope' }, body: '{}' }))
        .status,
    ).toBe(401);
    expect((await request(server, { method: 'GET', path: '/api/events?token=nope' })).status).toBe(401);
  });

  it('403 when the Host header is not loopback (DNS rebinding), even with the token', async () => {
    const reply = await request(server, {
      path: '/api/mirror.status',
      headers: { ...auth(), Host: `evil.example:${server.port}` },
      body: '{}',
    });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error.code).toBe('FORBIDDEN');
    expect((await request(server, { method: 'GET', path: '/', headers: { Host: 'attacker.test' } })).status).toBe(403);
  });

  it("403 for a cross-origin call: only the page's own origin, exactly, may call", async () => {
    const from = async (origin: string): Promise<number> =>
      (
        await request(server, {
          path: '/api/mirror.status',
          headers: { ...auth(), Cookie: cookie, Origin: origin },
          body: '{}',
        })
      ).status;
    expect(await from('https://evil.example')).toBe(403);
    expect(await from('http://localhost')).toBe(403); // loopback, but port 80: another origin
    expect(await from(`localhost:${server.port}`)).toBe(403);
    expect(await from(`http://127.0.0.1:${server.port + 1}`)).toBe(403);
    expect(await from(`http://127.0.0.1:${server.port}`)).toBe(200);
    expect(await from(`http://localhost:${server.port}`)).toBe(200);
  });

  it('survives paths that cannot be decoded or carry a NUL byte, answering instead of crashing', async () => {
    expect((await request(server, { method: 'GET', path: '/%E0%A4%A' })).status).toBe(400);
    expect((await request(server, { method: 'GET', path: '/index.html%00.js' })).status).toBe(404);
    expect((await request(server, { method: 'GET', path: '/' })).status).toBe(200);
  });

  it('413 for a body over the limit', async () => {
    const reply = await request(server, {
      path: '/api/session.signIn',
      headers: auth(),
      body: JSON.stringify({ name: 'x'.repeat(8000), password: 'x' }),
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe('TOO_LARGE');
  });

  it('400 for malformed JSON', async () => {
    const reply = await request(server, { path: '/api/session.signIn', headers: auth(), body: '{"name": "李娜",' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error.message).toBe('the body is not valid JSON');
    expect(reply.body).not.toContain('李娜');
  });

  it('400 with the field path for a schema violation', async () => {
    const reply = await request(server, {
      path: '/api/session.signIn',
      headers: auth(),
      body: JSON.stringify({ name: '李娜', password: 42 }),
    });
    expect(reply.status).toBe(400);
    const error = JSON.parse(reply.body).error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues[0].path).toBe('password');
  });

  it('404 for a call that is not in the contract, 405 for a GET call', async () => {
    expect((await request(server, { path: '/api/db.exec', headers: auth(), body: '{}' })).status).toBe(404);
    expect((await request(server, { method: 'GET', path: '/api/mirror.status', headers: auth() })).status).toBe(405);
  });

  it('serves the renderer with the strict CSP and nothing outside its directory', async () => {
    const page = await request(server, { method: 'GET', path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect((await request(server, { method: 'GET', path: '/..%2f..%2fetc%2fpasswd' })).status).toBe(404);
  });

  it('streams job progress to a signed-in event-stream client', async () => {
    const stream = await openStream(server, cookie);
    expect(stream.status).toBe(200);
    services.events.emit('job.progress', progress('import-1'));
    await expect.poll(() => stream.text()).toContain('"jobId":"import-1"');
    expect(stream.text()).toContain('event: job.progress');
    stream.close();
  });

  it('opens an event stream only for a live session: the launch token alone is not enough', async () => {
    const refused = await openStream(server);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text()).error.code).toBe('NOT_SIGNED_IN');
    const ended = cookieOf(await signInAs(TEST_OPERATORS.reviewer));
    await request(server, { path: '/api/session.signOut', headers: { ...auth(), Cookie: ended }, body: '{}' });
    expect((await openStream(server, ended)).status).toBe(401);
    expect((await openStream(server, `encounter_session_${server.port}=forged`)).status).toBe(401);
  });

  it("ends a session's event streams when it signs out, and leaves other sessions' streams open", async () => {
    const reviewerCookie = cookieOf(await signInAs(TEST_OPERATORS.reviewer));
    const [reviewers, leads] = [await openStream(server, reviewerCookie), await openStream(server, cookie)];
    const out = await request(server, {
      path: '/api/session.signOut',
      headers: { ...auth(), Cookie: reviewerCookie },
      body: '{}',
    });
    expect(JSON.parse(out.body).value).toEqual({ signedOut: true });
    await reviewers.ended;
    services.events.emit('job.progress', progress('import-after-sign-out'));
    await expect.poll(() => leads.text()).toContain('import-after-sign-out');
    expect(reviewers.text()).not.toContain('import-after-sign-out');
    leads.close();
  });

  it('ends the stream of a session ended elsewhere (disabled by an admin) at the next event, sending it nothing', async () => {
    await ensureTestOperator(services, 'reviewer', '陈杰');
    const stream = await openStream(server, cookieOf(await signInAs('陈杰')));
    expect(stream.status).toBe(200);
    // Another process (the CLI) or another window disables the account: this server sees no call of it.
    setOperatorEnabled(services.db, TEST_OPERATORS.admin, '陈杰', false, Math.floor(Date.now() / 1000));
    services.events.emit('job.progress', progress('import-after-disable'));
    await stream.ended;
    expect(stream.text()).not.toContain('import-after-disable');
  });

  it('ends the stream of a session that ended while no job reported anything, at the next check', async () => {
    const checking = await startWebServer({ services, rendererDir, streamCheckMs: 50 });
    try {
      await ensureTestOperator(services, 'reviewer', '孙丽');
      const signedIn = await request(checking, {
        path: '/api/session.signIn',
        headers: { Authorization: `Bearer ${checking.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: '孙丽', password: TEST_PASSWORD }),
      });
      const stream = await openStream(checking, cookieOf(signedIn));
      expect(stream.status).toBe(200);
      setOperatorEnabled(services.db, TEST_OPERATORS.admin, '孙丽', false, Math.floor(Date.now() / 1000));
      await stream.ended;
    } finally {
      await checking.close();
    }
  });
});
