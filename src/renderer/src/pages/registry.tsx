import type { ReactElement } from 'react';
import type { MessageKey } from '../i18n/catalogue';
import { MatchingPage } from './MatchingPage';
import { MirrorPage } from './MirrorPage';
import { ModerationPage } from './ModerationPage';
import { OverviewPage } from './OverviewPage';
import { PreviewPage } from './PreviewPage';
import { RulesPage } from './RulesPage';

/** The console's areas, in navigation order. A page appears here with the issue that builds it. */
export interface PageEntry {
  id: string;
  label: MessageKey;
  render(): ReactElement;
}

export const pages: readonly PageEntry[] = [
  { id: 'overview', label: 'nav.overview', render: () => <OverviewPage /> },
  { id: 'mirror', label: 'nav.mirror', render: () => <MirrorPage /> },
  { id: 'matching', label: 'nav.matching', render: () => <MatchingPage /> },
  { id: 'rules', label: 'nav.rules', render: () => <RulesPage /> },
  { id: 'preview', label: 'nav.preview', render: () => <PreviewPage /> },
  { id: 'moderation', label: 'nav.moderation', render: () => <ModerationPage /> },
];
