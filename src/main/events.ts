import type { EventMap, EventName } from '../shared/contract';

type Listener<E extends EventName> = (payload: EventMap[E]) => void;

/** Main's event hub: services emit, adapters (IPC, SSE) forward to every connected renderer. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }
}
