import { z } from 'zod';
import { call } from './call';
import { filePathSchema } from './paths';

const count = z.number().int().nonnegative();

export const importFileSummarySchema = z.object({
  file: z.string(),
  format: z.enum(['jsonl', 'csv']),
  read: count,
  inserted: count,
  updated: count,
  unchanged: count,
  quarantined: count,
  /** Mirror rows a snapshot deleted because the file lacked them (0 for increments; absent in runs before). */
  removed: count.default(0),
  /** A snapshot's refused lines whose key could not be read: when above 0, none of the file's removals was made. */
  removalsWithheld: count.default(0),
  /** What the manifest announced, when it did. */
  expected: count.nullable(),
});

export const importRunSchema = z.object({
  id: z.number().int(),
  exportId: z.string().nullable(),
  exportDir: z.string(),
  kind: z.string().nullable(),
  exportedAt: z.string().nullable(),
  operator: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  error: z.string().nullable(),
  files: z.array(importFileSummarySchema),
  /** Rows of other tables a snapshot removed because they named an account it erased; by table. */
  erasedRows: z.record(z.string(), count).default({}),
  /** Users a snapshot erased that had a moderation flag open (those flags leave the queues). */
  erasedFlagged: count.default(0),
  elapsedMs: z.number().nonnegative().nullable(),
});
export type ImportRun = z.infer<typeof importRunSchema>;

export const quarantineRowSchema = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  file: z.string(),
  line: z.number().int(),
  field: z.string().nullable(),
  reason: z.string(),
  message: z.string(),
  /** The refused row as the privacy module lets operators see it (PII masked, long digit runs scrubbed). */
  excerpt: z.string(),
});
export type QuarantineEntry = z.infer<typeof quarantineRowSchema>;

const shortText = z.string().trim().min(1).max(64);

/** The mirror: import runs, the quarantine, starting an import. */
export const mirrorCalls = {
  'mirror.importRuns': call(
    z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(),
    z.object({ runs: z.array(importRunSchema) }),
  ),
  'mirror.quarantine': call(
    z
      .object({
        runId: z.number().int().positive().optional(),
        file: shortText.optional(),
        reason: shortText.optional(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    z.object({ total: count, rows: z.array(quarantineRowSchema) }),
  ),
  'mirror.startImport': call(
    z.object({ dir: filePathSchema('choose an export directory') }).strict(),
    z.object({ jobId: z.string() }),
  ),
  /** The desktop's folder dialog (see app.capabilities); null when cancelled. */
  'mirror.pickExportDir': call(z.object({}).strict(), z.object({ dir: z.string().nullable() })),
};
