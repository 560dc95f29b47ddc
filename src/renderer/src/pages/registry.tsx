import type { ReactElement } from 'react';
import type { OperatorRole } from '../../../shared/domain/operator-roles';
import type { MessageKey } from '../i18n/catalogue';
import { AuditPage } from './AuditPage';
import { MatchingPage } from './MatchingPage';
import { MirrorPage } from './MirrorPage';
import { ModerationPage } from './ModerationPage';
import { OperatorsPage } from './OperatorsPage';
import { OverviewPage } from './OverviewPage';
import { PreviewPage } from './PreviewPage';
import { RulesPage } from './RulesPage';

/** The console's areas, in navigation order. A page appears here with the issue that builds it. */
export interface PageEntry {
  id: string;
  label: MessageKey;
  /** The least role the page is shown to (main refuses its calls to anyone less, whatever the page shows). */
  role: OperatorRole;
  render(): ReactElement;
}

export const pages: readonly PageEntry[] = [
  { id: 'overview', label: 'nav.overview', role: 'reviewer', render: () => <OverviewPage /> },
  { id: 'mirror', label: 'nav.mirror', role: 'reviewer', render: () => <MirrorPage /> },
  { id: 'matching', label: 'nav.matching', role: 'reviewer', render: () => <MatchingPage /> },
  { id: 'rules', label: 'nav.rules', role: 'reviewer', render: () => <RulesPage /> },
  { id: 'preview', label: 'nav.preview', role: 'reviewer', render: () => <PreviewPage /> },
  { id: 'moderation', label: 'nav.moderation', role: 'reviewer', render: () => <ModerationPage /> },
  { id: 'audit', label: 'nav.audit', role: 'lead', render: () => <AuditPage /> },
  { id: 'operators', label: 'nav.operators', role: 'admin', render: () => <OperatorsPage /> },
];
