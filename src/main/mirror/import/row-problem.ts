import type { QuarantineReason } from '../../../shared/domain/export-format';

/** Why a row was refused (the shared list): stored in quarantine.reason; the UI filters on these codes. */
export type { QuarantineReason };

/** Thrown by validators for one row; the importer turns it into a quarantine row and moves on. */
export class RowProblem extends Error {
  constructor(
    readonly reason: QuarantineReason,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}
