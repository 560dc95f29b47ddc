import type { HandleHint, MaskedText } from '../../shared/contract';
import { findHandleSpans, normaliseForDisplay } from './find';

/**
 * Contact handles hidden in free text, the one way: evidence in the moderation views, operators' notes in the
 * console and in the outbox all go through here. Every contact handle is replaced by its kind (`⟦wechat⟧`), every
 * other digit by `#`, and any remaining id-like token (letters with digits or `_`, 6+ characters: an order number,
 * a handle the recogniser did not place) by `⟦id⟧`. Words stay as written — Chinese and English, case kept — so an
 * operator sees why an account was flagged, and a note like "false positive: wedding gifts" reaches upstream
 * readable. The handles found are listed as kinds with an "obfuscated" mark, never their value.
 */

const HANDLE_MARK = (kind: string): string => `⟦${kind}⟧`;
/**
 * After the handles: a token of letters with a digit or an underscore, 6+ characters long, is an id; digits alone
 * (a date, an amount) and shorter tokens keep their letters with every digit as `#`; a token of letters (and
 * hyphens) is a word and stays.
 */
const TOKEN = /[a-z0-9_-]+/gi;
const looksLikeId = (token: string): boolean => token.length >= 6 && /[\d_]/.test(token) && /[a-z]/i.test(token);

function maskRest(segment: string): string {
  return segment.replace(TOKEN, (token) => (looksLikeId(token) ? HANDLE_MARK('id') : token.replace(/\d/g, '#')));
}

/**
 * Free text with its contact handles replaced by their kind and every remaining digit by `#`. Works on the display
 * form (full-width → ASCII, invisible characters dropped, Chinese numeral runs → digits) so a disguised number is
 * masked too.
 */
export function maskHandlesInText(raw: string | null | undefined): MaskedText {
  const text = raw ?? '';
  if (text === '') return { text: '', handles: [] };
  const kept = keptMasking(text);
  if (kept) return kept;
  const masked = maskText(text);
  Object.freeze(masked.handles);
  keep(text, Object.freeze(masked));
  return masked;
}

/**
 * The masked form of texts met lately, by the text itself: masking is a function of the text alone, so a kept answer
 * is exactly what masking again would give (and frozen, so no caller can change it for the next). Spam repeats its
 * texts and reviewers reopen items (the pane reloads after every decision); searching each greeting again for
 * handles was a third of an item page's masking. Bounded by characters kept: a few MiB a thread.
 *
 * Two generations, not one map trimmed oldest-first: a Map keeps the slots of deleted entries until it next grows,
 * and finding its oldest entry walks them, so trimming one entry per new text cost a walk over thousands of dead
 * slots — measured at 60 % of an item pane's masking. Here the texts met lately fill `young`; when it holds half the
 * budget it becomes `old` and the previous old ones are dropped at once; a text found in `old` moves back to `young`.
 */
const MASKED_CHARS_KEPT = 2_000_000;
let young = new Map<string, MaskedText>();
let old = new Map<string, MaskedText>();
let youngChars = 0;

function keptMasking(text: string): MaskedText | undefined {
  const recent = young.get(text);
  if (recent) return recent;
  const earlier = old.get(text);
  if (earlier) keep(text, earlier);
  return earlier;
}

function keep(text: string, masked: MaskedText): void {
  const size = text.length + masked.text.length;
  if (size > MASKED_CHARS_KEPT / 100) return;
  young.set(text, masked);
  youngChars += size;
  if (youngChars > MASKED_CHARS_KEPT / 2) {
    old = young;
    young = new Map();
    youngChars = 0;
  }
}

function maskText(text: string): MaskedText {
  const display = normaliseForDisplay(text);
  const spans = findHandleSpans(display);
  const rawLower = text.toLowerCase();
  const hints: HandleHint[] = spans.map((h) => ({ kind: h.kind, obfuscated: !rawLower.includes(h.text) }));
  // Longest first, so a phone inside a longer link is covered by the link; overlapping spans are merged away.
  const marks = spans
    .filter((h) => h.kind !== 'solicit')
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const taken: { start: number; end: number; kind: string }[] = [];
  for (const m of marks) if (!taken.some((t) => m.start < t.end && t.start < m.end)) taken.push(m);
  taken.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const t of taken) {
    out += maskRest(display.slice(at, t.start)) + HANDLE_MARK(t.kind);
    at = t.end;
  }
  out += maskRest(display.slice(at));
  return { text: out, handles: hints };
}
