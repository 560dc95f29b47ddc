import {
  type CallInput,
  type CallName,
  type CallOutput,
  callNames,
  type EncounterBridge,
  type EventMap,
  type EventName,
} from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { dispatch } from '../dispatch';
import type { AppServices } from '../services';

/**
 * The bridge the preload gives the renderer, wired straight to `dispatch` over real services: for component tests,
 * which render the real pages against the real handlers and a real SQLite file in one process. Inputs, replies and
 * events are cloned as IPC clones them, so a page cannot rely on sharing objects with main.
 */
export function inProcessBridge(services: AppServices): EncounterBridge {
  const calls = Object.fromEntries(
    callNames.map((name) => [
      name,
      async (input: unknown): Promise<Envelope<unknown>> =>
        structuredClone(await dispatch(name, structuredClone(input), services)),
    ]),
  ) as EncounterBridge['calls'];
  return {
    calls,
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      return services.events.on(event, (payload) => listener(structuredClone(payload)));
    },
  };
}

/** A call straight to main, as another window (or a test's own setup) would make it; throws the error it answers. */
export async function callMain<K extends CallName>(
  services: AppServices,
  name: K,
  input: CallInput<K>,
): Promise<CallOutput<K>> {
  const envelope = await dispatch(name, input, services);
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value as CallOutput<K>;
}

export type { AppServices };
