import type { ApiError } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import type { ErrorSay, ErrorSayId } from '../../../shared/error-says';
import { JOB_KINDS, type JobKind } from '../../../shared/progress';
import { OPERATOR_ROLES } from '../../../shared/domain/operator-roles';

/** A translated frame for errors main could not word for us: its English message goes inside. */
const FRAMES: Record<string, MessageKey> = {
  INVALID_INPUT: 'error.code.INVALID_INPUT',
  FORBIDDEN: 'error.code.FORBIDDEN',
  NOT_SIGNED_IN: 'error.code.NOT_SIGNED_IN',
  UNAUTHORIZED: 'error.code.UNAUTHORIZED',
  NOT_FOUND: 'error.code.NOT_FOUND',
  BAD_EXPORT: 'error.code.BAD_EXPORT',
  CONFLICT: 'error.code.CONFLICT',
};

/** Every error id main can attach has its sentence here: an id without one is a compile error. */
const SAYS: { [K in ErrorSayId]: MessageKey } = {
  notSignedIn: 'error.say.notSignedIn',
  signInFailed: 'error.say.signInFailed',
  roleNeeded: 'error.say.roleNeeded',
  passwordWrong: 'error.say.passwordWrong',
  accountChangedMeanwhile: 'error.say.accountChangedMeanwhile',
  mustChangePassword: 'error.say.mustChangePassword',
  samePassword: 'error.say.samePassword',
  lastAdmin: 'error.say.lastAdmin',
  ownRole: 'error.say.ownRole',
  ownAccount: 'error.say.ownAccount',
  operatorExists: 'error.say.operatorExists',
  operatorUnknown: 'error.say.operatorUnknown',
  busy: 'error.say.busy',
  jobRunning: 'error.say.jobRunning',
  cancelOwnOnly: 'error.say.cancelOwnOnly',
  evaluationRunning: 'error.say.evaluationRunning',
  shadowRunRunning: 'error.say.shadowRunRunning',
  claimedBy: 'error.say.claimedBy',
  flagResolved: 'error.say.flagResolved',
  flagDecidedMeanwhile: 'error.say.flagDecidedMeanwhile',
  reviewerCannotSuspend: 'error.say.reviewerCannotSuspend',
  reviewerBulkLimit: 'error.say.reviewerBulkLimit',
  selectionChanged: 'error.say.selectionChanged',
  undoOwnOnly: 'error.say.undoOwnOnly',
  alreadyUndone: 'error.say.alreadyUndone',
  viewNameTaken: 'error.say.viewNameTaken',
  noteRequired: 'error.say.noteRequired',
  loosenReasonRequired: 'error.say.loosenReasonRequired',
  ruleSetAlreadySaved: 'error.say.ruleSetAlreadySaved',
  ruleSetAlreadyActive: 'error.say.ruleSetAlreadyActive',
  nothingToRollBack: 'error.say.nothingToRollBack',
  tuningNotOpen: 'error.say.tuningNotOpen',
  noFolderDialog: 'error.say.noFolderDialog',
  notAnExport: 'error.say.notAnExport',
  importRefused: 'error.say.importRefused',
  labelsMissing: 'error.say.labelsMissing',
  labelsOutsideImports: 'error.say.labelsOutsideImports',
  nothingImported: 'error.say.nothingImported',
  staleExport: 'error.say.staleExport',
  manifestMismatch: 'error.say.manifestMismatch',
  manifestUndeclared: 'error.say.manifestUndeclared',
  alreadyPublished: 'error.say.alreadyPublished',
};

/** What main said an error means (its `say`), when it is one the catalogue has words for. */
export function sayOf(error: ApiError): ErrorSay | null {
  const say = error.error.details?.say as { id?: unknown; params?: unknown } | undefined;
  if (!say || typeof say.id !== 'string' || !(say.id in SAYS) || typeof say.params !== 'object' || say.params === null)
    return null;
  return say as ErrorSay;
}

/** Turns a contract error into a readable sentence in the operator's language. */
export function useErrorText(): (error: ApiError) => string {
  const { t } = useI18n();
  return (error) => {
    if (error.error.details?.network) return t('error.code.network', { message: error.message });
    const say = sayOf(error);
    if (say) {
      const params: Record<string, string | number> = { ...(say.params as Record<string, string | number>) };
      if (
        (say.id === 'jobRunning' || say.id === 'cancelOwnOnly') &&
        (JOB_KINDS as readonly string[]).includes(say.params.kind)
      )
        params.kind = t(`job.kind.${say.params.kind as JobKind}`);
      if (say.id === 'roleNeeded' && (OPERATOR_ROLES as readonly string[]).includes(say.params.role))
        params.role = t(`session.role.${say.params.role}`);
      return t(SAYS[say.id], params);
    }
    const frame = FRAMES[error.error.code];
    return frame ? t(frame, { message: error.message }) : t('error.generic', { message: error.message });
  };
}

export function ErrorNote({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div
      className="error-note"
      role="alert"
      data-testid="error-note"
      data-code={error.error.code}
      data-say={sayOf(error)?.id}
    >
      <span>{text(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
