/**
 * Every call's result crosses the boundary (IPC or HTTP) as an envelope, never as a thrown error: the renderer
 * always gets a value or a readable error with a stable code.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_CALL'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'NOT_SIGNED_IN'
  | 'CONFLICT'
  /** The mirror's write lock is held (a long import): nothing was written; the same call can be repeated. */
  | 'BUSY'
  | 'CANCELLED'
  | 'SCHEMA_TOO_NEW'
  /** A read-only open of a database this console has not migrated yet (db/migrate.ts): nothing was changed. */
  | 'SCHEMA_TOO_OLD'
  | 'BAD_EXPORT'
  /** A snapshot's file does not hold the row count its manifest declares: nothing was imported. */
  | 'MANIFEST_MISMATCH'
  /** An export older than (or as old as, with another id) the last one imported: nothing was imported. */
  | 'STALE_EXPORT'
  /** The same export was imported by another run while this one waited for the write lock: nothing imported again. */
  | 'ALREADY_IMPORTED'
  /** The date's introductions were published already (by the run named in details): final. */
  | 'ALREADY_PUBLISHED'
  | 'UNAUTHORIZED'
  | 'TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL';

export interface CallError {
  code: ErrorCode;
  message: string;
  /** e.g. `{ issues: [{ path: 'date', message: '…' }] }` for INVALID_INPUT. */
  details?: Record<string, unknown>;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: CallError };

/** A domain error a service throws on purpose; the dispatcher turns it into an error envelope with its code. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
