import { DomainError, type ErrorCode } from '../../shared/envelope';
import { CancelledError } from '../../shared/progress';
import { isBusy } from '../db/busy';

/**
 * Messages between main and a worker thread, for jobs and sessions alike. A job's cancel request travels through a
 * shared Int32Array, so a worker deep inside a synchronous SQLite loop sees it at its next batch boundary without
 * an event-loop turn.
 */
export interface WorkerData<I> {
  dbPath: string;
  input: I;
  /** Int32Array(1) over this buffer: 0 = run, 1 = cancel requested. Jobs only: a session is stopped by closing it. */
  cancel: SharedArrayBuffer | null;
}

export interface ProgressMessage {
  type: 'progress';
  phase: string;
  done: number;
  total: number | null;
}

/** What crosses when a worker fails: one of WORKER_ERROR_CODES, and the error's message. */
export interface FailureMessage {
  type: 'error';
  /** The session request that failed (sessions only). */
  id?: number;
  code: WorkerErrorCode;
  message: string;
  /** A domain error's details (the field at fault, who holds a claim), as the same error raised in main has them. */
  details?: Record<string, unknown>;
}

export type JobMessage<O> = ProgressMessage | { type: 'result'; value: O } | FailureMessage;
export type SessionMessage<R> = ProgressMessage | { type: 'reply'; id: number; value: R } | FailureMessage;
export interface SessionEnvelope<Q> {
  id: number;
  request: Q;
}

/**
 * The one list of error codes that may cross from a worker to main: a domain error keeps its code (a bad labels
 * line stays INVALID_INPUT with its line), a mirror locked by another writer is BUSY, anything else is INTERNAL.
 */
export const WORKER_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'CANCELLED',
  'BUSY',
  'SCHEMA_TOO_NEW',
  'SCHEMA_TOO_OLD',
  'BAD_EXPORT',
  'MANIFEST_MISMATCH',
  'STALE_EXPORT',
  'ALREADY_IMPORTED',
  'ALREADY_PUBLISHED',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

/** Worker side: what an error thrown inside the worker becomes on its way to main. */
export function failureOf(error: unknown): Omit<FailureMessage, 'type' | 'id'> {
  const raw = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'INTERNAL';
  const code = isBusy(error) ? 'BUSY' : (WORKER_ERROR_CODES.find((c) => c === raw) ?? 'INTERNAL');
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof DomainError && error.details ? { code, message, details: error.details } : { code, message };
}

/** A worker failed; `code` is the error's own code as it crossed (see WORKER_ERROR_CODES). */
export class WorkerError extends DomainError {}

/** Main side: the error a worker's failure is raised as (a cancel as CancelledError, like the same code in main). */
export function errorOf(failure: Omit<FailureMessage, 'type' | 'id'>): Error {
  return failure.code === 'CANCELLED'
    ? new CancelledError()
    : new WorkerError(failure.code, failure.message, failure.details);
}
