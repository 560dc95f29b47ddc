import { z } from 'zod';
import { calendarDate } from '../domain/platform-time';

/**
 * A platform date in the contract: YYYY-MM-DD naming a real calendar day, so `2026-02-30` is refused where the call
 * enters (INVALID_INPUT naming the field), never accepted and failed later inside a job. Every date of every call.
 */
export const calendarDateSchema = z
  .string()
  .refine(
    (s) => calendarDate(s) !== null,
    'a calendar date as YYYY-MM-DD (a day that exists: 2026-02-28, not 2026-02-30)',
  );
