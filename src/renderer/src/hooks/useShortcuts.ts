import { useEffect } from 'react';
import { useLatest } from './useLatest';

/** A key's handler; `e.shiftKey` tells Shift+X from x where both are bound. */
export type Shortcuts = Readonly<Record<string, ((e: KeyboardEvent) => void) | undefined>>;

/** Typing in a field is not a shortcut (a checkbox is not a field: x over it still selects). */
function isTyping(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return target.type !== 'checkbox';
  return target instanceof HTMLElement && (target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
}

/**
 * Single-key shortcuts for a page, by `KeyboardEvent.key` ('j', 'Enter', '/', 'X' for Shift+X): bound once on the
 * window, each call seeing the latest render's handlers. Keys typed into a field are the field's (Escape leaves
 * it), and keys with Ctrl, Alt or Meta belong to the browser. `enabled` false (a dialog is open) turns them off.
 */
export function useShortcuts(shortcuts: Shortcuts, enabled = true): void {
  const latest = useLatest({ shortcuts, enabled });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const { shortcuts: keys, enabled: on } = latest();
      if (!on || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      const run = keys[e.key];
      if (!run) return;
      e.preventDefault();
      run(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [latest]);
}
