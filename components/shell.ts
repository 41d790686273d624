/**
 * Quotes a word for a POSIX shell: plain words stay readable, anything else is single-quoted.
 * Every command text istio-lab builds (node scripts over SSH, the verify gate) goes through it.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The words of a command text shellQuote's words make, joined by single spaces: its inverse, so a
 * tool reads back the flags a command was given (tools/lib/critical-path.ts, the verify gate's).
 * Only the quoting shellQuote writes is understood: plain words and single quotes, `'\''` inside.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`an unterminated quote in ${text}`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && text[i + 1] === "'") {
      word = (word ?? "") + "'";
      i++;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
