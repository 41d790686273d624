/**
 * Quotes a word for a POSIX shell: plain words stay readable, anything else is single-quoted.
 * Every command text istio-lab builds (node scripts over SSH, the verify gate) goes through it.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
