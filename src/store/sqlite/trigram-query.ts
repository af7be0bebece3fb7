// The FTS5 query (SQLite FTS5 trigram tokenizer, detail=column or none) for the rows whose text may hold a needle:
// shared by the full-text index (text-index/) and the trigram index of the search fields (search-keys.ts). Pure.

/** Characters (code points) a trigram needs; shorter needles cannot be looked up. */
export const TRIGRAM = 3;

/**
 * The FTS5 query for the texts that hold every trigram of the needle (its code points three by three, each a
 * quoted string, distinct, ANDed): those indexes keep no positions, so these are candidates that an exact check
 * narrows. Null for a needle shorter than a trigram.
 */
export function trigramQuery(needle: string): string | null {
  const points = [...needle];
  if (points.length < TRIGRAM) return null;
  const trigrams = new Set<string>();
  for (let i = 0; i + TRIGRAM <= points.length; i++) trigrams.add(points.slice(i, i + TRIGRAM).join(''));
  return [...trigrams].map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}
