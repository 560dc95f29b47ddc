import { describe, expect, it, vi } from 'vitest';
import { callNames } from '../shared/contract';

// Electron's modules exist only inside Electron; these doubles record what the preload hands to the page.
const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      invoked.push([channel, input]);
      return Promise.resolve({ ok: true, value: null });
    },
    on: () => {},
    removeListener: () => {},
  },
}));

describe('preload', () => {
  it('exposes exactly the contract calls and event subscription, nothing generic', async () => {
    await import('./index');
    expect([...exposed.keys()]).toEqual(['encounter']);
    const bridge = exposed.get('encounter') as {
      calls: Record<string, (input: unknown) => Promise<unknown>>;
      on: unknown;
    };
    expect(Object.keys(bridge).sort()).toEqual(['calls', 'on']);
    expect(Object.keys(bridge.calls).sort()).toEqual([...callNames].sort());
    await bridge.calls['mirror.status']!({});
    expect(invoked).toEqual([['mirror.status', {}]]);
  });

  it('refuses to subscribe to an event the contract does not name', async () => {
    await import('./index');
    const bridge = exposed.get('encounter') as { on(event: string, l: () => void): () => void };
    expect(() => bridge.on('ipc.anything', () => {})).toThrow(/unknown event/);
    expect(typeof bridge.on('job.progress', () => {})).toBe('function');
  });
});
