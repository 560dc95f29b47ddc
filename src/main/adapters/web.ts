import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isCallName } from '../../shared/contract';
import type { Envelope, ErrorCode } from '../../shared/envelope';
import { dispatch } from '../dispatch';
import type { Caller } from '../handlers/context';
import type { HandlerTable } from '../handlers/table';
import type { AppServices } from '../services';
import { CONTENT_SECURITY_POLICY } from './csp';
import { CheckedJson } from '../checked-reply';

/**
 * The web adapter: the built renderer and the same handler table over HTTP on loopback, for operators on a
 * headless box (`npm run serve`) and for end-to-end tests in Chromium. Every API request carries the per-launch
 * token; the Host header must name loopback (DNS rebinding); bodies are bounded.
 */
export interface WebServerOptions {
  services: AppServices;
  rendererDir: string;
  port?: number;
  token?: string;
  maxBodyBytes?: number;
  table?: HandlerTable;
  /** How often open event streams re-check their sessions when no event comes (default STREAM_CHECK_MS). */
  streamCheckMs?: number;
}

export interface WebServer {
  url: string;
  /** The URL with the token in its fragment: what an operator opens. */
  launchUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * Between events, each open stream's session is checked this often (and the stream sent a comment, which also keeps
 * it from looking idle): a session ended where this server does not see it — an admin's disable, another process's
 * sign-out, idle expiry — loses its stream within this long even while no job reports anything.
 */
export const STREAM_CHECK_MS = 15_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function securityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: http.ServerResponse, status: number, body: Envelope<unknown>): void {
  // A reply checked and written as JSON where it was built (checked-reply.ts) is sent as it was written.
  const text =
    body.ok && body.value instanceof CheckedJson ? `{"ok":true,"value":${body.value.json}}` : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function reject(res: http.ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

/**
 * The HTTP status of each refusal: what the caller got wrong is 4xx (400 for a request that is malformed in any
 * way), a mirror locked by another writer 503 (the same call may be repeated), and 500 only for a fault of the
 * console itself. Every code has its status here, so a new code cannot be forgotten.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_CALL: 404,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  NOT_SIGNED_IN: 401,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  BUSY: 503,
  CANCELLED: 409,
  SCHEMA_TOO_NEW: 409,
  SCHEMA_TOO_OLD: 409,
  BAD_EXPORT: 422,
  MANIFEST_MISMATCH: 422,
  STALE_EXPORT: 409,
  ALREADY_IMPORTED: 409,
  ALREADY_PUBLISHED: 409,
  TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

/** A call's body: JSON, as the client sends it (a charset parameter may say utf-8, nothing else). */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  return type === 'application/json' && params.every((p) => p === '' || p === 'charset=utf-8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function tokenMatches(expected: Buffer, given: string | null | undefined): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && crypto.timingSafeEqual(g, expected);
}

/**
 * The session cookie, on top of the launch token: each browser session signs in on its own. HttpOnly (no script
 * reads it), SameSite=Strict, scoped to the API's path and named after the port (cookies ignore ports, and two
 * consoles may run on one machine). The value is a random 256-bit id; the mirror stores only its hash.
 */
function sessionCookieName(port: number): string {
  return `encounter_session_${port}`;
}

function readCookie(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
    }
  }
  return null;
}

function sessionCookie(name: string, token: string | null): string {
  const attributes = 'HttpOnly; SameSite=Strict; Path=/api/';
  return token === null ? `${name}=; ${attributes}; Max-Age=0` : `${name}=${token}; ${attributes}`;
}

function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice('Bearer '.length) : null;
}

function hostIsLoopback(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.toLowerCase());
  if (!m) return false;
  return LOOPBACK_HOSTS.has(m[1]!) && (m[2] === undefined || Number(m[2]) === port);
}

/**
 * The request's body, at most `limit` bytes. Over the limit (declared or streamed) it stops reading at once and
 * says so; the caller answers 413 and closes the connection, so an endless body costs nothing more.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, rejectPromise) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve('too_large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      resolve('too_large');
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', rejectPromise);
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const rendererDir = path.resolve(options.rendererDir);
  const { sessions } = options.services;
  /**
   * Open event streams, each with the session id (its cookie) it was opened under. A stream needs a live session,
   * as a call does, and carries nothing past that session's end: a sign-out or a new sign-in through this server
   * ends the old session's streams at once (see the caller's `keep`), and every frame re-checks its stream's session
   * first, so one ended anywhere else loses its stream at the next event or check (STREAM_CHECK_MS).
   */
  const streams = new Map<http.ServerResponse, string>();
  let port = 0;
  let ownOrigins = new Set<string>();

  /** Whether a stream's session still holds; one that cannot be read (the mirror closing) does not. */
  function holds(session: string | null): session is string {
    try {
      return session !== null && sessions.check(session, Math.floor(Date.now() / 1000)) !== null;
    } catch {
      return false;
    }
  }

  function sendToStreams(frame: string): void {
    for (const [res, session] of streams)
      if (holds(session)) res.write(frame);
      else endStream(res);
  }

  function endStream(res: http.ServerResponse): void {
    streams.delete(res);
    res.end();
  }

  function endStreamsOf(session: string): void {
    for (const [res, s] of streams) if (s === session) endStream(res);
  }

  const unsubscribe = options.services.events.on('job.progress', (payload) =>
    sendToStreams(`event: job.progress\ndata: ${JSON.stringify(payload)}\n\n`),
  );
  const streamCheck = setInterval(
    () => sendToStreams(': session checked\n\n'),
    options.streamCheckMs ?? STREAM_CHECK_MS,
  );
  streamCheck.unref();

  function openStream(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (!tokenMatches(expected, url.searchParams.get('token')))
      return reject(res, 401, 'UNAUTHORIZED', 'missing or invalid token');
    // The same session as a call's: the cookie, checked now (reading it is not activity: a stream keeps no session
    // alive). Without one the page signs in first; it opens its stream again then (renderer's api/client.ts).
    const session = readCookie(req, sessionCookieName(port));
    if (!holds(session)) return reject(res, 401, 'NOT_SIGNED_IN', 'sign in as an operator first');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.set(res, session);
    req.on('close', () => streams.delete(res));
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/events') return openStream(req, res, url);
    if (!tokenMatches(expected, bearer(req))) return reject(res, 401, 'UNAUTHORIZED', 'missing or invalid token');
    if (req.method !== 'POST') return reject(res, 405, 'METHOD_NOT_ALLOWED', 'calls are POST requests');
    // The page's own origin exactly (scheme, loopback host and this port); any other origin is another site.
    const origin = req.headers.origin;
    if (origin !== undefined && !ownOrigins.has(origin.toLowerCase())) {
      return reject(res, 403, 'FORBIDDEN', 'cross-origin request refused');
    }
    // Nothing of a malformed request is quoted back: its parts may be anything at all.
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice('/api/'.length));
    } catch {
      return reject(res, 400, 'INVALID_INPUT', 'the call name is not valid percent-encoding');
    }
    if (!isCallName(name)) return reject(res, 404, 'UNKNOWN_CALL', 'there is no such call in the contract');
    const body = await readBody(req, maxBody);
    if (body === 'too_large') {
      res.setHeader('Connection', 'close');
      return reject(res, 413, 'TOO_LARGE', `request body over ${maxBody} bytes`);
    }
    let input: unknown = {};
    if (body.length > 0) {
      if (!isJsonContentType(req.headers['content-type']))
        return reject(res, 400, 'INVALID_INPUT', 'a call carries a JSON body: Content-Type must be application/json');
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return reject(res, 400, 'INVALID_INPUT', 'the body is not UTF-8');
      }
      try {
        input = JSON.parse(text);
      } catch {
        return reject(res, 400, 'INVALID_INPUT', 'the body is not valid JSON');
      }
    }
    const cookie = sessionCookieName(port);
    const presented = readCookie(req, cookie);
    const caller: Caller = {
      services: options.services,
      transport: 'web',
      token: presented,
      keep: (token) => {
        res.setHeader('Set-Cookie', sessionCookie(cookie, token));
        // The session this browser presented is over (signed out, replaced by a new sign-in, found ended): so are
        // the event streams it opened.
        if (presented !== null && token !== presented) endStreamsOf(presented);
      },
    };
    const envelope = await dispatch(name, input, caller, options.table);
    if (!envelope.ok && envelope.error.code === 'BUSY') res.setHeader('Retry-After', '1');
    sendJson(res, envelope.ok ? 200 : HTTP_STATUS[envelope.error.code], envelope);
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reject(res, 405, 'METHOD_NOT_ALLOWED', 'method not allowed');
    let rel: string;
    try {
      rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      return reject(res, 400, 'INVALID_INPUT', 'malformed path');
    }
    if (rel.includes('\0')) return reject(res, 404, 'NOT_FOUND', 'not found');
    const file = path.resolve(rendererDir, rel);
    if (!file.startsWith(rendererDir + path.sep)) return reject(res, 404, 'NOT_FOUND', 'not found');
    fs.readFile(file, (err, data) => {
      if (err) return reject(res, 404, 'NOT_FOUND', 'not found');
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': rel === 'index.html' ? 'no-store' : 'public, max-age=3600',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  }

  const server = http.createServer((req, res) => {
    securityHeaders(res);
    if (!hostIsLoopback(req.headers.host, port)) return reject(res, 403, 'FORBIDDEN', 'Host header is not loopback');
    // Everything below runs inside one promise, so nothing a request carries can throw past it and end the process.
    const work = (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      } catch {
        return reject(res, 400, 'INVALID_INPUT', 'malformed request target');
      }
      if (url.pathname.startsWith('/api/')) await handleApi(req, res, url);
      else serveStatic(req, res, url);
    })();
    work.catch((err: unknown) => {
      // A fault of the console, not of the request: logged here, never described to the caller.
      process.stderr.write(`web adapter: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
      else res.end();
    });
  });
  // A request Node's parser refuses (headers over its limit, a broken request line, a bad Content-Length…) never
  // reaches the handler: answer 400 (408 when it was too slow) in the same envelope, and close the connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const body = JSON.stringify({
      ok: false,
      error: timeout
        ? { code: 'INVALID_INPUT', message: 'the request took too long to arrive' }
        : { code: 'INVALID_INPUT', message: 'malformed HTTP request' },
    } satisfies Envelope<never>);
    socket.end(
      `HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  ownOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    launchUrl: `${url}#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(streamCheck);
        for (const res of streams.keys()) endStream(res);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
