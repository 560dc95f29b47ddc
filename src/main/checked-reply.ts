import type { z } from 'zod';
import { type CallName, type CallOutput, contract } from '../shared/contract';
import { DomainError } from '../shared/envelope';

/**
 * What was wrong with a reply, by field: the contract's path and rule (never the reply's content), for the log and the
 * INTERNAL answer.
 */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || '(reply)'}: ${issue.message}`;
}

/**
 * A call's reply checked against the contract's output: only the fields the contract names are kept (zod objects drop
 * the rest), so a handler that returns a row with more in it cannot leak the extra fields. Throws INTERNAL (the
 * reply, not the caller, is wrong) naming where it broke the contract.
 */
export function checkReply<K extends CallName>(name: K, value: unknown): CallOutput<K> {
  const checked = contract[name].output.safeParse(value);
  if (!checked.success)
    throw new DomainError('INTERNAL', `${name}: the reply does not match the contract at ${firstIssue(checked.error)}`);
  return checked.data as CallOutput<K>;
}

/**
 * A reply already checked against the contract and written as JSON where it was built — on a review-reads worker
 * thread, so main neither rebuilds the object the worker sent (structured clone) nor checks and serializes it again:
 * a queue page was ~0.5 ms of main's loop in those three steps. Dispatch hands it as it is to the web adapter, which
 * writes JSON anyway, and parses it for every other caller (the window's IPC, tests), who get the same value.
 */
export class CheckedJson<K extends CallName> {
  /** The call it answers (types only: a handler can return only its own call's reply). */
  declare readonly call: K;

  private constructor(readonly json: string) {}

  /** Checks `value` against `name`'s output and writes it (on the thread that built it). */
  static write<K extends CallName>(name: K, value: unknown): string {
    return JSON.stringify(checkReply(name, value));
  }

  /** A reply `write` produced (on a worker thread) for call `name`. */
  static written<K extends CallName>(_name: K, json: string): CheckedJson<K> {
    return new CheckedJson<K>(json);
  }

  value(): CallOutput<K> {
    return JSON.parse(this.json) as CallOutput<K>;
  }
}
