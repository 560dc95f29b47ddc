/** Why a row was refused. Stored in quarantine.reason; the UI filters on these codes. */
export type QuarantineReason =
  | 'wrong_type'
  | 'missing_field'
  | 'unknown_field'
  | 'out_of_range'
  | 'too_long'
  | 'bad_time'
  | 'unknown_reference'
  | 'duplicate'
  | 'invalid_utf8'
  | 'line_too_long'
  | 'truncated'
  | 'bad_json'
  | 'bad_csv';

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
