import { useRef, useState } from 'react';
import type { ModerationQueueItem } from '../../../../shared/contract';

export interface Selection {
  /** Flag ids, not row numbers: a selection stays the same flags while pages load, scroll away or are refetched. */
  selected: ReadonlySet<number>;
  /** x on a row; with `range` (Shift+X, shift-click), every loaded row from the last toggled one to this one. */
  toggle(index: number, range: boolean): void;
  clear(): void;
}

/** The rows picked for a bulk action, by keyboard or checkbox. `item` reads a row of the queue by its index. */
export function useSelection(item: (index: number) => ModerationQueueItem | undefined): Selection {
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  // Only read and written by the handlers (never while rendering).
  const lastToggled = useRef<number | null>(null);

  const toggle = (index: number, range: boolean): void => {
    const from = lastToggled.current;
    const rows: ModerationQueueItem[] = [];
    if (range && from !== null) {
      for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
        const it = item(i);
        if (it) rows.push(it);
      }
    }
    const one = item(index);
    lastToggled.current = index;
    setSelected((s) => {
      const next = new Set(s);
      if (rows.length > 0) for (const it of rows) next.add(it.flagId);
      else if (one && next.has(one.flagId)) next.delete(one.flagId);
      else if (one) next.add(one.flagId);
      return next;
    });
  };
  const clear = (): void => {
    lastToggled.current = null;
    setSelected(new Set());
  };
  return { selected, toggle, clear };
}
