import { useEffect, useState } from 'react';

/** The time in whole seconds, ticking every `everyMs` (an age shown in days needs no finer clock). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
