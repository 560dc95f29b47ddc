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

/** Calls answered without a session: their success says nothing of one (every other call's does). */
const SESSIONLESS = new Set<CallName>(['app.capabilities', 'session.signOut']);

/** Whether a call's success shows a live session behind this page (who is signed in, when it asked). */
function showsSession(name: CallName, envelope: Envelope<unknown>): boolean {
  if (!envelope.ok || SESSIONLESS.has(name)) return false;
  return name !== 'session.get' || (envelope.value as { operator: unknown }).operator !== null;
}

/** The same bridge as Electron's preload, over the web adapter's HTTP + SSE. */
function httpBridge(): EncounterBridge {
  const token = webToken();
  const events = eventStream(token);
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
          const envelope = (await res.json()) as Envelope<unknown>;
          if (showsSession(name, envelope)) events.reopenIfRefused();
          return envelope;
        } catch (err) {
          return {
            ok: false,
            error: { code: 'INTERNAL', message: (err as Error).message, details: { network: true } },
          };
        }
      },
    ]),
  ) as EncounterBridge['calls'];
  return { calls, on: (event, listener) => events.on(event, listener) };
}

type FrameHandler = (e: MessageEvent<string>) => void;

/**
 * Main's events over the web adapter's stream. The server opens it only for a live session and ends it when that
 * session ends, and a refused stream (401: opened before sign-in, or after the session ended) is not retried by the
 * browser; so it is opened again, with every listener, once a call shows a session live again (a sign-in).
 */
function eventStream(token: string) {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<FrameHandler>>();
  const open = (): EventSource => {
    const s = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    for (const [event, handlers] of listeners) for (const h of handlers) s.addEventListener(event, h);
    return s;
  };
  return {
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      const handler: FrameHandler = (e) => listener(JSON.parse(e.data) as EventMap[E]);
      let handlers = listeners.get(event);
      if (!handlers) listeners.set(event, (handlers = new Set()));
      handlers.add(handler);
      source?.addEventListener(event, handler);
      return () => {
        handlers.delete(handler);
        source?.removeEventListener(event, handler);
      };
    },
    /**
     * Opened once a call shows a live session (never before sign-in: the server would refuse it, a console error);
     * a stream the server refused or ended for good is opened again; a live or reconnecting one is left alone.
     */
    reopenIfRefused(): void {
      if (source !== null && source.readyState !== EventSource.CLOSED) return;
      source?.close();
      source = open();
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
  if (!envelope.ok) {
    if (envelope.error.code === 'NOT_SIGNED_IN') for (const listener of sessionEndedListeners) listener();
    throw new ApiError(envelope.error);
  }
  return envelope.value;
}

const sessionEndedListeners = new Set<() => void>();

/**
 * Listens for the session ending under the renderer (idle expiry, signed out in another tab, account disabled):
 * any call answered NOT_SIGNED_IN says so, and the console returns to sign-in.
 */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
  return bridge().on(event, listener);
}
