import { createContext, useContext } from 'react';
import type { Operator } from '../../../shared/contract';

/**
 * Who is signed in on this window or browser session: provided by App once signed in, so every page reads the
 * same identity (main checks it on every call anyway; the renderer only uses it to show and hide).
 */
export const SignedInContext = createContext<Operator | null>(null);

export function useSignedIn(): Operator {
  const operator = useContext(SignedInContext);
  if (!operator) throw new Error('useSignedIn outside a signed-in console');
  return operator;
}
