import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('web adapter', () => {
  const services = tempServices();
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  let server: WebServer;
  const auth = (): Record<string, string> => ({
    Authorization: `Bearer ${server.token}`,
    'Content-Type': 'application/json',
  });

  beforeAll(async () => {
    server = await startWebServer({ services, rendererDir, maxBodyBytes: 4096 });
  });
  afterAll(() => server.close());

  it('answers a valid call with the envelope from the real handlers', async () => {
    const reply = await request(server, { path: '/api/mirror.status', headers: auth(), body: '{}' });
    expect(reply.status).toBe(200);
    const envelope = JSON.parse(reply.body);
    expect(envelope.ok).toBe(true);
    expect(envelope.value.dbPath).toBe(services.dbPath);
    expect(envelope.value.tables.find((t: { name: string }) => t.name === 'users')).toEqual({ name: 'users', rows: 0 });
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
      (await request(server, { path: '/api/mirror.status', headers: { ...auth(), Origin: origin }, body: '{}' }))
        .status;
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
      body: JSON.stringify({ name: 'x'.repeat(8000), role: 'lead' }),
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
      body: JSON.stringify({ name: '李娜', role: 'admin' }),
    });
    expect(reply.status).toBe(400);
    const error = JSON.parse(reply.body).error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues[0].path).toBe('role');
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

  it('streams job progress to an authorised event-stream client', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/events?token=${server.token}`,
          headers: { Host: `127.0.0.1:${server.port}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('connected'))
              services.events.emit('job.progress', {
                jobId: 'import-1',
                kind: 'import',
                phase: 'users.jsonl',
                done: 5,
                total: 10,
                state: 'running',
              });
            if (text.includes('event: job.progress')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
    });
    expect(await received).toContain('"jobId":"import-1"');
  });
});
