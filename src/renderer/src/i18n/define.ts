/**
 * A section of the message catalogue: the zh-CN text is the source of truth for the keys, and the English text
 * must have exactly the same keys (a missing or extra key is a compile error). `{name}` marks a parameter.
 */
export function defineSection<const Z extends Record<string, string>>(zh: Z, en: { [K in keyof Z]: string }) {
  return { 'zh-CN': zh, en } as const;
}
