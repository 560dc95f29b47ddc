import type { z } from 'zod';
import { contract, isCallName } from '../shared/contract';
import { type CallError, DomainError, type Envelope } from '../shared/envelope';
import { runHandler } from './call-runner';
import { CheckedJson, checkReply } from './checked-reply';
import { handlers as defaultHandlers } from './handlers';
import type { Caller, CallContext } from './handlers/context';
import type { HandlerTable } from './handlers/table';
import { holdsHalfCharacter } from './util/half-character';

/**
 * What was wrong with an input, by field: the contract's own words (the field's path, the rule it broke), never a
 * piece of the request — a field this call does not take is counted, not named, so nothing sent is echoed back.
 */
function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message:
      i.code === 'unrecognized_keys'
        ? `${i.keys.length === 1 ? 'a field' : `${i.keys.length} fields`} this call does not take`
        : i.message,
  }));
}

/**
 * Where a string of the input holds half a character (JSON's `\ud83d` escape alone, or the same from IPC), or null.
 * It is valid JSON but not text: SQLite would store it as bytes that are not UTF-8 and read back three U+FFFD, so a
 * note or a name would not be what was typed (and the outbox and audit lines would carry the damage). Inputs are a
 * few fields deep; the walk stops at the depth no contract input reaches.
 */
function halfCharacterAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return holdsHalfCharacter(value) ? path || '(input)' : null;
  if (depth > 8 || typeof value !== 'object' || value === null) return null;
  for (const [key, v] of Object.entries(value)) {
    const at = halfCharacterAt(v, path ? `${path}.${key}` : key, depth + 1);
    if (at !== null) return at;
  }
  return null;
}

/**
 * Validates a call's input against the contract, finds the caller's session, runs the handler — whose declaration
 * (handlers/guards.ts) decides whether this caller may — and wraps the result in an envelope. This is the only way
 * into the handlers, for IPC and HTTP alike.
 */
export async function dispatch(
  name: string,
  rawInput: unknown,
  caller: Caller,
  table: HandlerTable = defaultHandlers,
): Promise<Envelope<unknown>> {
  if (!isCallName(name))
    return { ok: false, error: { code: 'UNKNOWN_CALL', message: 'there is no such call in the contract' } };
  const spec = contract[name];
  const half = halfCharacterAt(rawInput, '');
  if (half !== null) {
    const message = 'holds half of a character (a lone UTF-16 surrogate), which is not text';
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `${name}: ${half}: ${message}`,
        details: { issues: [{ path: half, message }] },
      },
    };
  }
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const first = issues[0]!;
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `${name}: ${first.path}: ${first.message}`, details: { issues } },
    };
  }
  try {
    const now = Math.floor(Date.now() / 1000);
    let effects: (() => void)[] = [];
    const value = await runHandler<unknown>(caller.services, () => {
      // A try the call runner repeats (it met another writer's lock and left nothing) starts with no effects, and
      // with the session as it is now: while the call waited, its operator may have been disabled or demoted.
      effects = [];
      const session = caller.services.sessions.check(caller.token, now);
      // A session that ended (signed out elsewhere, idle, disabled) is forgotten by its caller: the cookie goes.
      if (session === null && caller.token !== null) caller.keep(null);
      const ctx: CallContext = {
        call: name,
        services: caller.services,
        caller,
        session,
        now,
        afterCommit: (effect) => effects.push(effect),
      };
      return table[name].run(parsed.data as never, ctx);
    });
    for (const effect of effects) runEffect(name, effect);
    // Outputs are checked too (checked-reply.ts): only the fields the contract names cross to the renderer. A reply
    // checked and written where it was built goes to the web adapter as written; other callers get its value.
    if (value instanceof CheckedJson) return { ok: true, value: caller.transport === 'web' ? value : value.value() };
    return { ok: true, value: checkReply(name, value) };
  } catch (err) {
    return { ok: false, error: toCallError(err) };
  }
}

/** An effect after commit never turns a committed call into a failure: it is logged, and retried by its owner. */
function runEffect(name: string, effect: () => void): void {
  try {
    effect();
  } catch (err) {
    process.stderr.write(`${name}: after commit: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

export function toCallError(err: unknown): CallError {
  if (err instanceof DomainError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  const e = err as { code?: unknown; message?: unknown };
  const known = [
    'INVALID_INPUT',
    'FORBIDDEN',
    'NOT_FOUND',
    'CONFLICT',
    'CANCELLED',
    'SCHEMA_TOO_NEW',
    'SCHEMA_TOO_OLD',
    'BAD_EXPORT',
    'NOT_SIGNED_IN',
    'UNAUTHORIZED',
  ] as const;
  const code = known.find((k) => k === e.code) ?? 'INTERNAL';
  return { code, message: typeof e.message === 'string' ? e.message : String(err) };
}
