import type { CallName } from '../../shared/contract';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { ActiveSession, SessionTransport } from '../operators/sessions';
import type { AppServices } from '../services';

/**
 * Who is calling, as the adapter that received the call knows it: the services, and the session this caller
 * presents — a browser session's cookie, an Electron window's id, a test's or a bench's own. Identity is always
 * per caller, never per process.
 */
export interface Caller {
  services: AppServices;
  transport: SessionTransport;
  /** The session id this caller presents (never stored anywhere but its cookie or window), or null. */
  token: string | null;
  /** Keeps a new session id for this caller (sign-in), or forgets it (sign-out, expiry): sets the cookie, etc. */
  keep(token: string | null): void;
}

/** The signed-in operator a call runs as. */
export interface SignedInOperator {
  name: string;
  role: OperatorRole;
}

/** What every handler receives besides its input. */
export interface CallContext {
  /** The call being answered. */
  call: CallName;
  services: AppServices;
  caller: Caller;
  /** The caller's live session (null when nobody is signed in on it). */
  session: ActiveSession | null;
  /** When the call arrived, unix seconds (one clock for the whole call). */
  now: number;
  /**
   * Runs `effect` once the call's writes are committed — for what must never show uncommitted rows, such as
   * outbox files. Effects run in order after the handler returns; a failing effect never fails the call.
   */
  afterCommit(effect: () => void): void;
}

/** The context of a handler that runs as a signed-in operator (withOperator, leadOnly, adminOnly). */
export interface OperatorContext extends CallContext {
  session: ActiveSession;
  operator: SignedInOperator;
}
