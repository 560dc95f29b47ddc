import { contextBridge, ipcRenderer } from 'electron';
import {
  type CallName,
  callNames,
  type EncounterBridge,
  eventNames,
  type EventMap,
  type EventName,
} from '../shared/contract';
import type { Envelope } from '../shared/envelope';

/**
 * Exposes exactly the contract's calls — one function per call name, no generic invoke — and the event
 * subscriptions. Bundled (sandboxed preloads cannot require modules).
 */
const calls = Object.fromEntries(
  callNames.map((name: CallName) => [
    name,
    (input: unknown) => ipcRenderer.invoke(name, input) as Promise<Envelope<unknown>>,
  ]),
) as EncounterBridge['calls'];

const bridge = {
  calls,
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (!eventNames.includes(event)) throw new Error(`unknown event "${String(event)}"`);
    const wrapped = (_e: unknown, payload: EventMap[E]) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
} satisfies EncounterBridge;

contextBridge.exposeInMainWorld('encounter', bridge);
