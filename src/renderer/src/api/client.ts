import {
  type CallInput,
  type CallName,
  type CallOutput,
  callNames,
  type EncounterBridge,
  type EventMap,
  type EventName,
} from '../../../shared/contract';
import type { CallError, Envelope } from '../../../shared/envelope';

declare global {
  interface Window {
    encounter?: EncounterBridge;
  }
}

/** A failed call, carrying the contract's error code for the UI to explain. */
export class ApiError extends Error {
  constructor(readonly error: CallError) {
    super(error.message);
  }
}

const TOKEN_KEY = 'encounter.token';

/** Web mode: the launch URL carries the per-launch token in its fragment; keep it for this tab only. */
function webToken(): string {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The same bridge as Electron's preload, over the web adapter's HTTP + SSE. */
function httpBridge(): EncounterBridge {
  const token = webToken();
  const calls = Object.fromEntries(
    callNames.map((name) => [
      name,
      async (input: unknown): Promise<Envelope<unknown>> => {
        try {
          const res = await fetch(`/api/${encodeURIComponent(name)}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify(input ?? {}),
          });
          return (await res.json()) as Envelope<unknown>;
        } catch (err) {
          return {
            ok: false,
            error: { code: 'INTERNAL', message: (err as Error).message, details: { network: true } },
          };
        }
      },
    ]),
  ) as EncounterBridge['calls'];
  let source: EventSource | null = null;
  return {
    calls,
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      source ??= new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      const handler = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as EventMap[E]);
      source.addEventListener(event, handler);
      return () => source?.removeEventListener(event, handler);
    },
  };
}

let resolved: EncounterBridge | null = null;
/** The preload's bridge in the desktop window, else HTTP; chosen at the first call (component tests install theirs first). */
function bridge(): EncounterBridge {
  return (resolved ??= window.encounter ?? httpBridge());
}

/** Whatever a call threw, as the contract's error (a bug in the page becomes INTERNAL, not a crash). */
export function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError({ code: 'INTERNAL', message: String(e) });
}

/**
 * Calls main through the contract; resolves with the value or throws an `ApiError`. Pages read through
 * `useCallQuery` and act through `useAction` (api/queries.ts), which call this and keep the cache in step.
 */
export async function call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const fn = bridge().calls[name] as (input: CallInput<K>) => Promise<Envelope<CallOutput<K>>>;
  const envelope = await fn(input).catch((e: unknown) => {
    throw toApiError(e);
  });
  if (!envelope.ok) throw new ApiError(envelope.error);
  return envelope.value;
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
  return bridge().on(event, listener);
}
