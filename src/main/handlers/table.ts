import type { CallName } from '../../shared/contract';
import type { DeclaredHandler } from './guards';

/**
 * One declared handler per contract call (guards.ts: anyone, withSession, withOperator, leadOnly, adminOnly): a
 * missing, mistyped or undeclared entry is a compile error.
 */
export type HandlerTable = { [K in CallName]: DeclaredHandler<K> };

/** A slice of the table for one area of the console. */
export type Handlers<K extends CallName> = { [P in K]: DeclaredHandler<P> };
