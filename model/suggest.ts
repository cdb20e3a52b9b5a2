/** "Did you mean": the closest known name to a mistyped one, when it is close enough to help. */
import { distance } from "fastest-levenshtein";

/**
 * The candidate closest to `word` (case-insensitive edit distance), or undefined when none is
 * within a third of the word's length (at least 2 edits): a suggestion must be a likely typo,
 * never a guess.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** `; did you mean X?` when there is a close candidate, else the empty string. */
export const didYouMean = (word: string, candidates: readonly string[]): string => {
  const c = closest(word, candidates);
  return c === undefined || c === word ? "" : ` Did you mean ${c}?`;
};
