/** A UTF-16 surrogate without its other half (in /u mode a class of surrogates matches only unpaired ones). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether `text` holds half of a character: a lone UTF-16 surrogate, as JSON's `\ud83d` escape alone makes (a writer
 * that cut an emoji by UTF-16 units), or IPC can carry. It is not text: SQLite stores it as bytes that are not UTF-8
 * and reads them back as U+FFFD, so what was sent would not be what is kept.
 */
export function holdsHalfCharacter(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
