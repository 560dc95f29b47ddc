import type { Migration } from './migration';
import { m001Console } from './001-console';
import { m002Mirror } from './002-mirror';
import { m003Engine } from './003-engine';
import { m004Moderation } from './004-moderation';
import { m005Tuning } from './005-tuning';
import { m006DropTransactionsPaidAt } from './006-drop-transactions-paid-at';
import { m007Lifecycle } from './007-lifecycle';
import { m008Assessments } from './008-assessments';
import { m009RowCounts } from './009-row-counts';
import { m010Operators } from './010-operators';
import { m011OutboxAudit } from './011-outbox-audit';
import { m012MirrorFacts } from './012-mirror-facts';
import { m013FlagHandles } from './013-flag-handles';
import { m014RowIdsUniqueIndex } from './014-row-ids-unique-index';
import { m015ExposuresUniqueIndex } from './015-exposures-unique-index';
import { m016UserKeys } from './016-user-keys';
import { m017MerchantKeys } from './017-merchant-keys';
import { m018IntroductionMembers } from './018-introduction-members';

/** Every shipped migration, in order. Append only; never edit a shipped one. */
export const migrations: readonly Migration[] = [
  m001Console,
  m002Mirror,
  m003Engine,
  m004Moderation,
  m005Tuning,
  m006DropTransactionsPaidAt,
  m007Lifecycle,
  m008Assessments,
  m009RowCounts,
  m010Operators,
  m011OutboxAudit,
  m012MirrorFacts,
  m013FlagHandles,
  m014RowIdsUniqueIndex,
  m015ExposuresUniqueIndex,
  m016UserKeys,
  m017MerchantKeys,
  m018IntroductionMembers,
];
