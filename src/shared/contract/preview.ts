import { z } from 'zod';
import { DISCLOSURE_LEVELS } from '../domain/places';
import { call } from './call';

/**
 * The masked match preview (issue 8). Every output here is masked in main (src/main/privacy) before it crosses;
 * `preview.unmask` is the one documented exception: lead only, typed reason, 60 s, audit-logged.
 */

const userId = z.string().min(1, 'a user id').max(64);
const runId = z.number().int().positive();
const side = z.enum(['a', 'b']);
const pair = { runId, userA: userId, userB: userId };

export const maskedProfileSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  gender: z.enum(['F', 'M']),
  ageBand: z.string(),
  city: z.string(),
  district: z.string().nullable(),
  verified: z.boolean(),
});
export type MaskedProfileView = z.infer<typeof maskedProfileSchema>;

/** A person as a user's card shows them: no internal id (operators see ids beside the cards, never on them). */
export const cardProfileSchema = maskedProfileSchema.omit({ userId: true });
export type CardProfileView = z.infer<typeof cardProfileSchema>;

export const disclosureLevelSchema = z.enum(DISCLOSURE_LEVELS);

/** A shared place at the level a viewer may see; only the fields that level allows are non-null. */
export const placeLabelSchema = z.object({
  level: disclosureLevelSchema,
  name: z.string().nullable(),
  brand: z.string().nullable(),
  category: z.string().nullable(),
  district: z.string().nullable(),
  online: z.boolean(),
});
export type PlaceLabelView = z.infer<typeof placeLabelSchema>;

export const reasonExplanationSchema = z.object({
  code: z.string(),
  /** A key of the renderer's `preview` catalogue section. */
  key: z.string(),
  params: z.object({
    category: z.string().optional(),
    district: z.string().optional(),
    hourBand: z.string().optional(),
    brand: z.string().optional(),
  }),
});
export type ReasonExplanationView = z.infer<typeof reasonExplanationSchema>;

export const previewSideSchema = z.object({
  side,
  viewer: cardProfileSchema,
  other: cardProfileSchema,
  /** Shown on the card once the guess is played (they would name the answer). */
  reasons: z.array(reasonExplanationSchema),
  places: z.array(placeLabelSchema),
});
export type PreviewSideView = z.infer<typeof previewSideSchema>;

export const guessCardSchema = z.object({
  level: disclosureLevelSchema,
  choices: z.array(z.object({ id: z.string(), label: placeLabelSchema })),
});
export type GuessCardView = z.infer<typeof guessCardSchema>;

export const previewCalls = {
  'preview.runs': call(
    z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
    z.object({
      runs: z.array(
        z.object({ id: z.number().int(), date: z.string(), status: z.string(), introductions: z.number().int() }),
      ),
    }),
  ),
  /** A run's introductions as ids and value, best first; with `userId`, that user's introductions only. */
  'preview.introductions': call(
    z
      .object({
        runId,
        userId: z.string().trim().min(1).max(64).optional(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(200).default(25),
      })
      .strict(),
    z.object({
      total: z.number().int(),
      introductions: z.array(z.object({ userA: z.string(), userB: z.string(), score: z.number() })),
    }),
  ),
  /** Both sides of one introduction exactly as each user would see it. */
  'preview.pair': call(
    z.object(pair).strict(),
    z.object({
      runId: z.number().int(),
      date: z.string(),
      score: z.number(),
      introductionsPerDay: z.literal(1),
      sides: z.tuple([previewSideSchema, previewSideSchema]),
      /** Whose cards these are, shown to the operator beside the cards and never on them. */
      operatorsOnly: z.object({ userIds: z.object({ a: z.string(), b: z.string() }) }),
    }),
  ),
  /**
   * "Guess where we have met" for one side (a = the smaller user id): the shared place among decoys from that
   * viewer's own places; null with the reason when no fair card can be made.
   */
  'preview.guess': call(
    z.object({ ...pair, side }).strict(),
    z.object({
      card: guessCardSchema.nullable(),
      unavailable: z.enum(['no_disclosed_place', 'not_enough_decoys']).nullable(),
    }),
  ),
  'preview.answerGuess': call(
    z.object({ ...pair, side, choiceId: z.string().min(1).max(32) }).strict(),
    z.object({ correct: z.boolean(), correctChoiceId: z.string() }),
  ),
  /** Lead only: the raw fields of ONE account for 60 s, audit-logged with operator and reason. */
  'preview.unmask': call(
    z.object({ userId, reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500) }).strict(),
    z.object({
      userId: z.string(),
      nickname: z.string(),
      realName: z.string().nullable(),
      phone: z.string().nullable(),
      birthYear: z.number().int(),
      gender: z.enum(['F', 'M']),
      city: z.string(),
      district: z.string().nullable(),
      expiresAt: z.string(),
      validSeconds: z.number().int(),
    }),
  ),
};
