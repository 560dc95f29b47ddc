import crypto from 'node:crypto';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { Db } from '../db/database';
import { decoyHash } from './passwords';

/**
 * Sessions: one per Electron window and per browser session, each signed in on its own. A session is a random
 * 256-bit id held by its window or cookie; the mirror stores only its SHA-256, so a copy of the database signs
 * nobody in. A session ends when its operator signs out, after `idleSeconds` without a call, when the account is
 * disabled or its password reset, or when its window closes.
 *
 * Checking a session is one indexed read per call (with the account's current role and state, so a role change or
 * a disable made by another process counts at once). Activity is written at most once per `touchSeconds`, and
 * never waits for another writer's lock: an import holding the lock must not stall every call.
 */
export type SessionTransport = 'web' | 'window' | 'test' | 'bench';
export type SessionEndReason = 'signed out' | 'idle' | 'disabled' | 'password changed' | 'replaced' | 'window closed';

/** Default idle expiry: 30 minutes without a call. */
export const DEFAULT_IDLE_SECONDS = 30 * 60;

export interface ActiveSession {
  id: number;
  operatorId: number;
  name: string;
  role: OperatorRole;
  /** Signed in with a one-time password: nothing but a new password until it is chosen. */
  mustChangePassword: boolean;
  lastSeenAt: number;
}

interface CheckRow {
  id: number;
  operator_id: number;
  last_seen_at: number;
  ended_at: number | null;
  name: string;
  role: OperatorRole;
  enabled: number;
  must_change_password: number;
}

const sql = {
  insert: `INSERT INTO operator_sessions (token_hash, operator_id, transport, started_at, last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
  check: `SELECT s.id, s.operator_id, s.last_seen_at, s.ended_at, o.name, o.role, o.enabled, o.must_change_password
          FROM operator_sessions s JOIN operators o ON o.id = s.operator_id WHERE s.token_hash = ?`,
  touch: `UPDATE operator_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?`,
  end: `UPDATE operator_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL`,
  endAllOf: `UPDATE operator_sessions SET ended_at = ?, end_reason = ? WHERE operator_id = ? AND ended_at IS NULL AND id <> ?`,
} as const;

export function tokenHash(token: string): Buffer {
  return crypto.createHash('sha256').update(token).digest();
}

/** Ends every open session of an operator (but `except`, the caller's own, when given). */
export function endSessionsOf(db: Db, operatorId: number, reason: SessionEndReason, now: number, except = -1): void {
  db.prepare(sql.endAllOf).run(now, reason, operatorId, except);
}

/**
 * Runs a small write without waiting for another writer: returns false (nothing written) when the mirror's write
 * lock is held, instead of blocking main's loop for the connection's busy timeout.
 */
function withoutWaiting(db: Db, write: () => void): boolean {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    write();
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

export interface SessionStoreOptions {
  idleSeconds?: number;
}

export class SessionStore {
  readonly idleSeconds: number;
  /** How stale the stored activity may get: a small share of the idle expiry, at most a minute. */
  private readonly touchSeconds: number;
  /** Activity seen in this process and not yet written (a touch that met the write lock). */
  private readonly seen = new Map<number, number>();
  /** Sessions ended in this process whose end met the write lock: refused here all the same. */
  private readonly endedHere = new Map<number, SessionEndReason>();
  private readonly statements;
  /**
   * What a sign-in under a name nobody has is checked against (passwords.ts), begun as the store is built. Made at
   * the first such sign-in, it cost that attempt a second hash: an unknown name answered measurably later than a
   * known one, once — enough for a first guess to tell them apart.
   */
  readonly decoyHash: Promise<string>;

  constructor(
    private readonly db: Db,
    options: SessionStoreOptions = {},
  ) {
    this.decoyHash = decoyHash();
    // A failed hash (out of memory) is met by the sign-in that needs it, not left unhandled to end the process.
    this.decoyHash.catch(() => {});
    this.idleSeconds = options.idleSeconds ?? DEFAULT_IDLE_SECONDS;
    this.touchSeconds = Math.max(1, Math.min(60, Math.floor(this.idleSeconds / 10)));
    this.statements = {
      insert: db.prepare<[Buffer, number, SessionTransport, number, number], { id: number }>(sql.insert),
      check: db.prepare<[Buffer], CheckRow>(sql.check),
      touch: db.prepare<[number, number, number]>(sql.touch),
      end: db.prepare<[number, SessionEndReason, number]>(sql.end),
    };
  }

  /** A new session for an operator who just proved who they are. Returns the id to hand to the window or cookie. */
  start(operatorId: number, transport: SessionTransport, now: number): { token: string; sessionId: number } {
    const token = crypto.randomBytes(32).toString('base64url');
    const { id } = this.statements.insert.get(tokenHash(token), operatorId, transport, now, now)!;
    return { token, sessionId: id };
  }

  /** The live session behind `token`, or null (unknown, ended, idle too long, account disabled). */
  check(token: string | null, now: number): ActiveSession | null {
    if (!token) return null;
    const row = this.statements.check.get(tokenHash(token));
    if (!row || row.ended_at !== null || this.endedHere.has(row.id)) return null;
    const lastSeen = Math.max(row.last_seen_at, this.seen.get(row.id) ?? 0);
    if (!row.enabled || now - lastSeen > this.idleSeconds) {
      this.end(row.id, row.enabled ? 'idle' : 'disabled', now);
      return null;
    }
    return {
      id: row.id,
      operatorId: row.operator_id,
      name: row.name,
      role: row.role,
      mustChangePassword: row.must_change_password === 1,
      lastSeenAt: lastSeen,
    };
  }

  /** Records activity on a session (a call it made); written at most every touchSeconds, never waiting. */
  touch(session: ActiveSession, now: number): void {
    if (now - session.lastSeenAt < this.touchSeconds) return;
    this.seen.set(session.id, now);
    if (withoutWaiting(this.db, () => this.statements.touch.run(now, session.id, now))) this.seen.delete(session.id);
  }

  end(sessionId: number, reason: SessionEndReason, now: number): void {
    this.seen.delete(sessionId);
    // An end that meets the write lock is still an end here (refused by `check`); it is written at the next end.
    if (withoutWaiting(this.db, () => this.statements.end.run(now, reason, sessionId))) {
      for (const [id, why] of this.endedHere)
        if (withoutWaiting(this.db, () => this.statements.end.run(now, why, id))) this.endedHere.delete(id);
    } else this.endedHere.set(sessionId, reason);
  }
}

/**
 * The idle expiry an operator configures (`--idle-timeout`, `$ENCOUNTER_IDLE_TIMEOUT`): `30m`, `90s`, or plain
 * minutes. Undefined keeps the default; anything else is refused with what was given.
 */
export function parseIdleTimeout(text: string | undefined, where: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (m[2] === 's' ? 1 : m[2] === 'h' ? 3600 : 60) : NaN;
  if (!(seconds >= 1 && seconds <= 7 * 86_400))
    throw new Error(`${where}: an idle timeout such as 30m, 90s or 2h (1 s to 7 days), got "${text}"`);
  return seconds;
}
