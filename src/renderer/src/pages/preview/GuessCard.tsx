import { useEffect, useState } from 'react';
import { useAction } from '../../api/useAction';
import { useCallQuery } from '../../api/queries';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import { codeText } from '../../i18n/codes';
import { placeText } from './words';

interface Props {
  runId: number;
  userA: string;
  userB: string;
  side: 'a' | 'b';
  /** Called once the game is over (answered) or cannot be played: the card may then show the shared places. */
  onSettled(): void;
}

/** "Guess where we have met": four choices; answering asks main, which alone knows the answer. */
export function GuessCard({ runId, userA, userB, side, onSettled }: Props) {
  const { t } = useI18n();
  const guess = useCallQuery('preview.guess', { runId, userA, userB, side });
  const answerGuess = useAction('preview.answerGuess');
  const [answer, setAnswer] = useState<{ chosen: string; correct: boolean; correctChoiceId: string } | null>(null);
  const unplayable = guess.data?.card === null;
  useEffect(() => {
    if (answer || unplayable) onSettled();
  }, [answer, unplayable, onSettled]);

  const choose = async (choiceId: string) => {
    const result = await answerGuess.run({ runId, userA, userB, side, choiceId });
    if (result) setAnswer({ chosen: choiceId, ...result });
  };

  if (guess.error) return <ErrorNote error={guess.error} onRetry={() => void guess.refetch()} />;
  if (!guess.data) return <p className="muted">{t('common.loading')}</p>;
  const { card } = guess.data;
  // No fair card: the user simply has no game (the operators' aside says why).
  if (!card) return <div data-testid={`guess-card-${side}`} data-state="unavailable" hidden />;
  return (
    <div className="guess" data-testid={`guess-card-${side}`} data-state={answer ? 'answered' : 'open'}>
      <h3>{t('preview.guess.title')}</h3>
      <p className="muted small">{t('preview.guess.help', { level: codeText(t, 'disclosureLevel', card.level) })}</p>
      <div className="guess-choices">
        {card.choices.map((c) => {
          const state = !answer
            ? 'open'
            : c.id === answer.correctChoiceId
              ? 'correct'
              : c.id === answer.chosen
                ? 'wrong'
                : 'other';
          return (
            <button
              key={c.id}
              type="button"
              className={`guess-choice ${state}`}
              disabled={answer !== null}
              onClick={() => void choose(c.id)}
              data-testid={`guess-choice-${side}`}
              data-choice-id={c.id}
              data-state={state}
            >
              {placeText(t, c.label)}
            </button>
          );
        })}
      </div>
      {answer && (
        <p
          className={answer.correct ? 'guess-result correct' : 'guess-result wrong'}
          data-testid={`guess-result-${side}`}
          data-correct={String(answer.correct)}
          role="status"
        >
          {answer.correct ? t('preview.guess.correct') : t('preview.guess.wrong')}
        </p>
      )}
      {answerGuess.error && <ErrorNote error={answerGuess.error} />}
    </div>
  );
}

/** For the operators' aside: whether this side has a card, and why not. */
export function GuessStatus({ runId, userA, userB, side }: Omit<Props, 'onSettled'>) {
  const { t } = useI18n();
  const guess = useCallQuery('preview.guess', { runId, userA, userB, side });
  if (!guess.data) return null;
  const { card, unavailable } = guess.data;
  return (
    <p className="small" data-testid={`guess-status-${side}`} data-reason={unavailable ?? ''}>
      {card
        ? t('preview.ops.guess', { level: codeText(t, 'disclosureLevel', card.level) })
        : t(`preview.guess.unavailable.${unavailable ?? 'no_disclosed_place'}`)}
    </p>
  );
}
