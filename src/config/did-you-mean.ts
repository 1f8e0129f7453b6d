// Suggestions for misspelt config keys and rule ids. Case is ignored when measuring, because the
// commonest slip is `failon` for `failOn`, which should win over any other candidate.

/** Optimal-string-alignment distance: Levenshtein plus adjacent transposition (`sevreity`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate, or null when nothing is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  let best: { candidate: string; distance: number; exact: number } | null = null;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (distance > limit) continue;
    const exact = editDistance(word, candidate);
    if (!best || distance < best.distance || (distance === best.distance && exact < best.exact)) {
      best = { candidate, distance, exact };
    }
  }
  return best?.candidate ?? null;
}
