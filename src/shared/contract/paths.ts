import { z } from 'zod';

/**
 * A path on the machine main runs on, as an operator types it: 1–4096 characters, no NUL (no file system takes
 * one, and Node refuses it with an error that is no answer). What it names is checked where it is used.
 */
export const filePathSchema = (required: string) =>
  z
    .string()
    .trim()
    .min(1, required)
    .max(4096)
    .refine((s) => !s.includes('\u0000'), 'a path cannot hold a NUL character');
