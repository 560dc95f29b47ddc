import type { UserFeatures } from '../features';
import { type Detector, Scorecard, clamp01 } from './detector';

/**
 * Spammers send one template, lightly varied, to many people, usually with a link, rarely get a reply, get
 * reported for it, and are often new. Popular people RECEIVE many greetings, which none of this counts; an
 * outgoing handle without a link and with buyers paying in is a seller's pattern, scored by the other detector.
 */
export const spammerDetector: Detector = {
  name: 'spammer',
  version: 1,
  threshold: 0.5,
  score(f: UserFeatures) {
    const card = new Scorecard();
    const linkShare = f.greetingsSent ? f.linkGreetings / f.greetingsSent : 0;
    card.add('near_duplicate_greetings', 0.35, (f.templateReach - 3) / 12);
    card.add('links_in_greetings', 0.25, linkShare / 0.5);
    card.add(
      'low_reply_rate',
      0.15,
      f.greetingsSent >= 8 ? clamp01((f.greetingsSent - 5) / 20) * clamp01((0.3 - f.replyRate) / 0.2) : 0,
    );
    card.add('spam_reports', 0.2, ((f.reportsByReason.spam ?? 0) + 0.5 * (f.reportsByReason.selling ?? 0)) / 2);
    card.add('new_account', 0.1, f.accountAgeDays < 45 && f.greetingsSent >= 5 ? 1 : 0);
    card.penalise(
      'seller_pattern',
      0.3,
      f.linkGreetings === 0 && f.handleGreetings > 0 ? clamp01((f.distinctPayers - 3) / 6) : 0,
    );
    return card.verdict({
      greetings_sent: f.greetingsSent,
      recipients: f.greetingRecipients,
      template_reach: f.templateReach,
      link_share: Math.round(linkShare * 1000) / 1000,
      reply_rate: Math.round(f.replyRate * 1000) / 1000,
      spam_reports: f.reportsByReason.spam ?? 0,
      account_age_days: Math.round(f.accountAgeDays),
    });
  },
};
