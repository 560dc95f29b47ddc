import type { z } from 'zod';
import type { Envelope } from '../envelope';
import type { JobProgress } from '../progress';
import { appCalls } from './app';
import { jobCalls } from './jobs';
import { matchingCalls } from './matching';
import { mirrorCalls } from './mirror';
import { moderationCalls } from './moderation';
import { operatorCalls } from './operators';
import { previewCalls } from './preview';
import { tuningCalls } from './tuning';

/**
 * THE contract between renderer and main: every call's name, input schema and output schema. The handler table in
 * main is typed from it (a missing or mistyped handler is a compile error), the dispatcher validates every input
 * against it at runtime, and the preload exposes exactly these names.
 */
export const contract = {
  ...appCalls,
  ...jobCalls,
  ...mirrorCalls,
  ...moderationCalls,
  ...previewCalls,
  ...matchingCalls,
  ...tuningCalls,
  ...operatorCalls,
};

export type Contract = typeof contract;
export type CallName = keyof Contract;
/** What a caller sends (before defaults are applied). */
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
/** What a handler receives (after validation and defaults). */
export type ParsedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Contract[K]['output']>;

export const callNames = Object.keys(contract) as CallName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** The events main pushes to the renderer. */
export interface EventMap {
  'job.progress': JobProgress;
}
export type EventName = keyof EventMap;
export const eventNames: readonly EventName[] = ['job.progress'];

/** What the preload exposes as `window.encounter`, and what the web client implements over HTTP. */
export interface EncounterBridge {
  calls: { [K in CallName]: (input: CallInput<K>) => Promise<Envelope<CallOutput<K>>> };
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export * from './app';
export * from './jobs';
export * from './matching';
export * from './mirror';
export * from './moderation';
export * from './operators';
export * from './preview';
export * from './tuning';
export type { CallSpec } from './call';
