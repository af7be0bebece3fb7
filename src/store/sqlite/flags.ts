// Message flags as stored (RFC 9051 §2.3.2, RFC 7162): system flags as a bitmask, matched case-insensitively
// and kept in canonical spelling; keywords validated as IMAP atoms and kept as a sorted space-separated list.
import { StoreError } from '../errors.js';
import { SYSTEM_FLAGS, type FlagMode, type SystemFlag } from '../types.js';

/** Bit of each system flag in messages.system_flags (the order of SYSTEM_FLAGS). */
export const FLAG_BITS: Readonly<Record<SystemFlag, number>> = {
  '\\Seen': 1,
  '\\Answered': 2,
  '\\Flagged': 4,
  '\\Deleted': 8,
  '\\Draft': 16,
};
export const SEEN_BIT = FLAG_BITS['\\Seen'];
export const DELETED_BIT = FLAG_BITS['\\Deleted'];

const SYSTEM_BY_LOWER = new Map<string, SystemFlag>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

/** The longest keyword accepted (Dovecot's limit is similar). */
export const MAX_KEYWORD_LENGTH = 128;

/** ATOM-CHAR of RFC 9051 §9: any CHAR except atom-specials ( ) { SP CTL % * " \ ] */
const ATOM = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/;

export interface NormalizedFlags {
  system: number;
  /** Sorted, unique (case-insensitively: the first spelling wins). */
  keywords: string[];
}

/** Validates and normalises a flag list; throws StoreError 'invalid-name' naming the first bad flag. */
export function normalizeFlags(flags: readonly string[]): NormalizedFlags {
  let system = 0;
  const keywords = new Map<string, string>();
  for (const flag of flags) {
    if (flag.startsWith('\\')) {
      const canonical = SYSTEM_BY_LOWER.get(flag.toLowerCase());
      if (!canonical) {
        throw new StoreError('invalid-name', `flag ${JSON.stringify(flag)} cannot be stored (\\Recent is session state)`);
      }
      system |= FLAG_BITS[canonical];
      continue;
    }
    if (flag.length === 0 || flag.length > MAX_KEYWORD_LENGTH || !ATOM.test(flag)) {
      throw new StoreError('invalid-name', `keyword ${JSON.stringify(flag)} is not a valid IMAP atom`);
    }
    const key = flag.toLowerCase();
    if (!keywords.has(key)) keywords.set(key, flag);
  }
  return { system, keywords: [...keywords.values()].sort() };
}

export function parseKeywords(stored: string): string[] {
  return stored === '' ? [] : stored.split(' ');
}

export function formatKeywords(keywords: readonly string[]): string {
  return [...keywords].sort().join(' ');
}

/** The flags of a message as the Store reports them: system flags and keywords, sorted, no duplicates. */
export function flagList(system: number, keywords: string): string[] {
  const out: string[] = [];
  for (const flag of SYSTEM_FLAGS) if (system & FLAG_BITS[flag]) out.push(flag);
  out.push(...parseKeywords(keywords));
  return out.sort();
}

/** Applies a STORE-style change (RFC 9051 §6.4.6) to stored flags; keywords compare case-insensitively. */
export function applyFlags(
  current: { system: number; keywords: string },
  mode: FlagMode,
  change: NormalizedFlags,
): { system: number; keywords: string } {
  const existing = parseKeywords(current.keywords);
  switch (mode) {
    case 'replace':
      return { system: change.system, keywords: formatKeywords(change.keywords) };
    case 'add': {
      const have = new Set(existing.map((k) => k.toLowerCase()));
      const added = change.keywords.filter((k) => !have.has(k.toLowerCase()));
      return { system: current.system | change.system, keywords: formatKeywords([...existing, ...added]) };
    }
    case 'remove': {
      const drop = new Set(change.keywords.map((k) => k.toLowerCase()));
      return {
        system: current.system & ~change.system,
        keywords: formatKeywords(existing.filter((k) => !drop.has(k.toLowerCase()))),
      };
    }
  }
}
