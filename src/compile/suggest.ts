/** Levenshtein distance, small and allocation-light; names are short. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** Up to three known names close to `name` (distance ≤ max(2, a third of its length), or containing it). */
export function closeNames(name: string, known: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...known]
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= limit || candidate.includes(name) || name.includes(candidate))
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** `did you mean "a" or "b"?`, or undefined when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const names = closeNames(name, known);
  if (names.length === 0) return undefined;
  return `did you mean ${names.map((n) => `"${n}"`).join(' or ')}?`;
}
