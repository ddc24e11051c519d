/**
 * "Did you mean ...?": string similarity for misspelled names (fields, kinds, rule ids, profiles, config keys).
 * A neutral leaf module: it imports nothing, so every stage (schema, policy, config, plugin, cli) may use it.
 */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), in three rolling rows. */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/** Lower case without `_`, `-` and spaces: `Run_As_NonRoot` and `runAsNonroot` both become `runasnonroot`. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The candidate the user most likely meant: the same name up to case, `_` and `-`, else the nearest one by edit
 * distance when that distance is small for the name's length (1 up to 4 characters, 2 up to 10, else 3).
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(name);
  const list = [...candidates].filter((c) => c !== name);
  const same = list.find((c) => fold(c) === folded);
  if (same !== undefined) {
    return same;
  }
  const limit = folded.length <= 4 ? 1 : folded.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of list) {
    const other = fold(candidate);
    if (Math.abs(other.length - folded.length) > limit) {
      continue;
    }
    const distance = editDistance(folded, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
