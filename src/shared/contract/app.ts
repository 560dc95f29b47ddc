import { z } from 'zod';
import { call } from './call';

export const operatorRoleSchema = z.enum(['reviewer', 'lead']);
export type OperatorRole = z.infer<typeof operatorRoleSchema>;

export const operatorSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(40),
  role: operatorRoleSchema,
});
export type Operator = z.infer<typeof operatorSchema>;

const tableCountSchema = z.object({ name: z.string(), rows: z.number().int().nonnegative() });

/** Calls every page needs: who is operating, and the state of the mirror. */
export const appCalls = {
  'session.get': call(z.object({}).strict(), z.object({ operator: operatorSchema.nullable() })),
  'session.signIn': call(operatorSchema.strict(), z.object({ operator: operatorSchema })),
  /** What this console can do where it runs: the desktop window has native dialogs, web mode does not. */
  'app.capabilities': call(z.object({}).strict(), z.object({ desktop: z.boolean() })),
  'mirror.status': call(
    z.object({}).strict(),
    z.object({
      dbPath: z.string(),
      schemaVersion: z.number().int(),
      latestSchemaVersion: z.number().int(),
      sizeBytes: z.number().int().nonnegative(),
      tables: z.array(tableCountSchema),
      /** The platform day of the mirror's newest payment (null: none yet). */
      dataEnds: z.string().nullable(),
      /** The date runs and previews default to: the day after the data ends (today without data). */
      suggestedDate: z.string(),
    }),
  ),
};
