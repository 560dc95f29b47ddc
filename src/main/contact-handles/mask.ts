import type { HandleHint, MaskedText } from '../../shared/contract';
import { findContactHandles, normaliseForHandles } from './find';

/**
 * Contact handles hidden in free text, the one way: evidence in the moderation views, operators' notes in the
 * console and in the outbox all go through here. Every contact handle is replaced by its kind (`⟦wechat⟧`), every
 * other digit by `#`, and long latin/digit tokens (ids in disguise) by `⟦id⟧`; the words stay, so an operator sees
 * why an account was flagged. The handles found are listed as kinds with an "obfuscated" mark, never their value.
 */

const HANDLE_MARK = (kind: string): string => `⟦${kind}⟧`;
/**
 * After the handles: a mark stays; a latin token with a digit of 6+ characters (an id, an order number, a handle
 * the detector did not recognise) or of 6+ letters (`meimeiabc` after 加我) becomes an id mark; shorter tokens
 * keep their letters with digits as `#`. Stricter than the detector on purpose: a view may hide a harmless word,
 * never a handle.
 */
const AFTER_HANDLES = /⟦[a-z]+⟧|[a-z0-9_-]*\d[a-z0-9_-]*|[a-z][a-z0-9_-]{5,}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Free text with its contact handles replaced by their kind and every remaining digit by `#`. Works on the
 * normalised text (full-width → ASCII, Chinese numeral runs → digits) so a disguised number is masked too.
 */
export function maskHandlesInText(raw: string | null | undefined): MaskedText {
  const text = raw ?? '';
  if (text === '') return { text: '', handles: [] };
  const handles = findContactHandles(text);
  const rawLower = text.toLowerCase();
  let masked = normaliseForHandles(text);
  const hints: HandleHint[] = [];
  // Longest first, so a phone inside a longer link is not half-replaced.
  for (const h of [...handles].sort((a, b) => b.text.length - a.text.length)) {
    if (h.kind !== 'solicit') masked = masked.replace(new RegExp(escapeRegExp(h.text), 'g'), HANDLE_MARK(h.kind));
    hints.push({ kind: h.kind, obfuscated: !rawLower.includes(h.text) });
  }
  masked = masked.replace(AFTER_HANDLES, (token) =>
    token.startsWith('⟦') ? token : token.length >= 6 ? HANDLE_MARK('id') : token.replace(/\d/g, '#'),
  );
  return { text: masked, handles: hints };
}
