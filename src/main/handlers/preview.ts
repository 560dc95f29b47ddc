import { requireOperator } from '../dispatch';
import {
  answerGuess,
  guessCard,
  listPreviewIntroductions,
  listPreviewRuns,
  pairPreview,
  unmaskAccount,
} from '../privacy';
import type { Handlers } from './table';

/** The masked match preview: everything goes through the privacy module; only `preview.unmask` is raw (lead, audited). */
export const previewHandlers: Handlers<
  'preview.runs' | 'preview.introductions' | 'preview.pair' | 'preview.guess' | 'preview.answerGuess' | 'preview.unmask'
> = {
  'preview.runs': (input, services) => ({ runs: listPreviewRuns(services.db, input.limit) }),
  'preview.introductions': (input, services) =>
    listPreviewIntroductions(services.db, input.runId, {
      userId: input.userId,
      offset: input.offset,
      limit: input.limit,
    }),
  'preview.pair': (input, services) => ({
    ...pairPreview(services.db, input.runId, input.userA, input.userB),
    introductionsPerDay: 1 as const,
  }),
  'preview.guess': (input, services) => {
    const { card, unavailable } = guessCard(services.db, input.runId, input.userA, input.userB, input.side);
    // The correct answer stays in main; the renderer learns it only by answering.
    return { card: card ? { level: card.level, choices: card.choices } : null, unavailable };
  },
  'preview.answerGuess': (input, services) =>
    answerGuess(services.db, input.runId, input.userA, input.userB, input.side, input.choiceId),
  'preview.unmask': (input, services) => {
    const operator = requireOperator(services);
    const { auditId: _auditId, ...account } = unmaskAccount(services.db, operator, input.userId, input.reason);
    return account;
  },
};
