import {
  answerGuess,
  guessCard,
  listPreviewIntroductions,
  listPreviewRuns,
  pairPreview,
  unmaskAccount,
} from '../privacy';
import { leadOnly, withOperator } from './guards';
import type { Handlers } from './table';

/**
 * The masked match preview: everything goes through the privacy module; only `preview.unmask` is raw — a lead who
 * re-enters their password and gives a reason, audited in the same transaction as the read.
 */
export const previewHandlers: Handlers<
  'preview.runs' | 'preview.introductions' | 'preview.pair' | 'preview.guess' | 'preview.answerGuess' | 'preview.unmask'
> = {
  'preview.runs': withOperator((input, { services }) => ({ runs: listPreviewRuns(services.db, input.limit) })),
  'preview.introductions': withOperator((input, { services }) =>
    listPreviewIntroductions(services.db, input.runId, {
      userId: input.userId,
      offset: input.offset,
      limit: input.limit,
    }),
  ),
  'preview.pair': withOperator((input, { services }) => ({
    ...pairPreview(services.db, input.runId, input.userA, input.userB),
    introductionsPerDay: 1 as const,
  })),
  'preview.guess': withOperator((input, { services }) => {
    const { card, unavailable } = guessCard(services.db, input.runId, input.userA, input.userB, input.side);
    // The correct answer stays in main; the renderer learns it only by answering.
    return { card: card ? { level: card.level, choices: card.choices } : null, unavailable };
  }),
  'preview.answerGuess': withOperator((input, { services }) =>
    answerGuess(services.db, input.runId, input.userA, input.userB, input.side, input.choiceId),
  ),
  'preview.unmask': leadOnly((input, { services }) => unmaskAccount(services.db, input.userId, input.reason), {
    audited: 'privacy.unmask',
    reauthenticate: true,
    facts: (input, out) => ({
      subject: out.userId,
      details: { reason: input.reason.trim(), validSeconds: out.validSeconds, expiresAt: out.expiresAt },
    }),
  }),
};
