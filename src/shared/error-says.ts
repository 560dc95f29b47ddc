/**
 * The errors an operator meets in ordinary work, by id, with their parameters. Main attaches one to an error's
 * details (`details.say`) and the renderer words it from its catalogue (`error.say.<id>`) in the operator's
 * language; the English `message` stays for logs, the CLI and the rarer errors that have no id (the renderer then
 * shows it inside a translated frame). Adding an id here without catalogue entries is a compile error there.
 */
export interface ErrorSays {
  notSignedIn: Record<string, never>;
  /** One message for a wrong name, a wrong password and a locked account (nothing to tell them apart by). */
  signInFailed: Record<string, never>;
  /** A call refused for the caller's role: `role` is the least role that may make it. */
  roleNeeded: { role: 'reviewer' | 'lead' | 'admin' };
  passwordWrong: Record<string, never>;
  /** A password change met a lock, a disable or an admin's reset that happened while it was being checked. */
  accountChangedMeanwhile: Record<string, never>;
  mustChangePassword: Record<string, never>;
  samePassword: Record<string, never>;
  lastAdmin: { name: string };
  ownRole: Record<string, never>;
  ownAccount: Record<string, never>;
  operatorExists: { name: string };
  operatorUnknown: { name: string };
  busy: Record<string, never>;
  jobRunning: { kind: string };
  /** A reviewer cancelling a job another operator started (a lead may). */
  cancelOwnOnly: { kind: string; operator: string };
  evaluationRunning: { seconds: number };
  shadowRunRunning: { seconds: number };
  claimedBy: { flagId: number; operator: string };
  flagResolved: { flagId: number };
  flagDecidedMeanwhile: { flagId: number; operator: string };
  reviewerCannotSuspend: Record<string, never>;
  reviewerBulkLimit: { limit: number; accounts: number };
  selectionChanged: { accounts: number; previewed: number };
  undoOwnOnly: { decisionId: number; operator: string };
  alreadyUndone: { decisionId: number; by: number };
  viewNameTaken: { name: string };
  noteRequired: Record<string, never>;
  loosenReasonRequired: Record<string, never>;
  ruleSetAlreadySaved: { version: number };
  ruleSetAlreadyActive: { version: number };
  nothingToRollBack: Record<string, never>;
  tuningNotOpen: Record<string, never>;
  noFolderDialog: Record<string, never>;
  notAnExport: { path: string };
  /** An export refused before its import started, to a caller below lead: the one answer, whatever the path holds. */
  importRefused: { path: string };
  labelsMissing: { path: string };
  labelsOutsideImports: Record<string, never>;
  nothingImported: Record<string, never>;
  staleExport: { exportId: string; exportedAt: string; newerExportId: string; newerExportedAt: string };
  manifestMismatch: { file: string; declared: number; read: number };
  manifestUndeclared: { file: string };
  alreadyPublished: { date: string; runId: number };
}

export type ErrorSayId = keyof ErrorSays;
export type ErrorSay = { [K in ErrorSayId]: { id: K; params: ErrorSays[K] } }[ErrorSayId];

/** `details` for a DomainError that the renderer can word itself: `new DomainError(code, message, say(id, params))`. */
export function say<K extends ErrorSayId>(
  id: K,
  params: ErrorSays[K],
  details: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...details, say: { id, params } };
}
