// Set operations on ascending UID lists (SEARCH, RFC 9051 §6.4.4): the keys a store answers over a mailbox come
// back in UID order, so candidates are narrowed by one merge each instead of a hash set per key. Pure.

/** The UIDs in both lists, ascending. */
export function common(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) out.push(x);
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out;
}

/** The UIDs in either list, ascending, each once. */
export function union(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    out.push(Math.min(x, y));
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out;
}

/** The UIDs of `a` that are not in `b`, ascending. */
export function minus(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return out;
}
