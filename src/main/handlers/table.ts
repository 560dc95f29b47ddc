import type { CallName, CallOutput, ParsedInput } from '../../shared/contract';
import type { AppServices } from '../services';

export type Handler<K extends CallName> = (
  input: ParsedInput<K>,
  services: AppServices,
) => Promise<CallOutput<K>> | CallOutput<K>;

/** One handler per contract call; a missing or mistyped entry is a compile error. */
export type HandlerTable = { [K in CallName]: Handler<K> };

/** A slice of the table for one area of the console. */
export type Handlers<K extends CallName> = { [P in K]: Handler<P> };
