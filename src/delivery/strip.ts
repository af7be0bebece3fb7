// Removal of Authentication-Results fields at the ADMD boundary (RFC 8601 §5, §7.1; SPEC R2.2): forged
// fields claiming our authserv-id, internal ids from untrusted clients, and foreign ids when configured.
//
// Decisions:
// - The field name is matched case-insensitively, and also with WSP before the colon (RFC 5322 §4.5.3
//   obs-syntax): lenient MUAs accept `Authentication-Results :`, so a forger could use it.
// - A field whose value does not parse (RFC 8601 §2.2) is treated as forged when its loosely read first word
//   (comments, quotes and escapes ignored) is our id or an internal id; otherwise it is kept as foreign.
//   A lenient reader might take such a field as ours, and removing a broken field costs nothing.
// - ARC-Authentication-Results (RFC 8617 §4.1.1) is a different field, covered by the ARC-Seal of the
//   intermediary that added it: removing it would break that ARC chain, and no MUA reads it as our verdict.
import { fieldValue, type HeaderField } from './header-block.js';
import { looseFirstWord, parseAuthservId, sameAuthservId } from './authentication-results.js';

export interface StripOptions {
  /** Our authserv-id (R2.1). */
  ourId: string;
  /** Other authserv-ids inside our ADMD, e.g. the border MTA's (R2.1). */
  internalIds: readonly string[];
  /** The client is trusted (trusted network, Unix socket, authenticated session). */
  trustedClient: boolean;
  /** Remove fields of foreign authserv-ids too (R2.2, configurable). */
  removeForeign: boolean;
}

/** Why a field was removed. `ours` and `internal-untrusted` are forgeries; `foreign` is policy. */
export type RemovalReason = 'ours' | 'internal-untrusted' | 'foreign';

export interface RemovedField {
  field: HeaderField;
  reason: RemovalReason;
  /** The authserv-id read from the field (loosely, when it did not parse). */
  claimedId: string;
  /** The value did not parse as RFC 8601. */
  unparseable: boolean;
}

export interface StripResult {
  /** The fields kept, in their original order. */
  fields: HeaderField[];
  removed: RemovedField[];
  /** Forgeries removed: fields claiming our id, or an internal id from an untrusted client (stored, R2.2). */
  forgedRemoved: number;
}

const AR_NAME = 'authentication-results';

/** True for an Authentication-Results field in any letter case (not ARC-Authentication-Results). */
export function isAuthenticationResults(field: HeaderField): boolean {
  return field.lowerName === AR_NAME;
}

type Verdict = { keep: true } | { keep: false; reason: RemovalReason; claimedId: string; unparseable: boolean };

/** Decides what to do with one Authentication-Results field. */
export function classifyAuthenticationResults(value: string, opts: StripOptions): Verdict {
  const parsed = parseAuthservId(value);
  const unparseable = 'error' in parsed;
  const claimedId = 'error' in parsed ? looseFirstWord(value) : parsed.authservId;
  if (sameAuthservId(claimedId, opts.ourId)) return { keep: false, reason: 'ours', claimedId, unparseable };
  if (opts.internalIds.some((id) => sameAuthservId(claimedId, id))) {
    if (opts.trustedClient) return { keep: true };
    return { keep: false, reason: 'internal-untrusted', claimedId, unparseable };
  }
  if (opts.removeForeign) return { keep: false, reason: 'foreign', claimedId, unparseable };
  return { keep: true };
}

/** Removes the Authentication-Results fields the ADMD policy forbids; other fields are kept untouched. */
export function stripAuthenticationResults(fields: readonly HeaderField[], opts: StripOptions): StripResult {
  const kept: HeaderField[] = [];
  const removed: RemovedField[] = [];
  for (const field of fields) {
    if (!isAuthenticationResults(field)) {
      kept.push(field);
      continue;
    }
    const verdict = classifyAuthenticationResults(fieldValue(field), opts);
    if (verdict.keep) kept.push(field);
    else removed.push({ field, reason: verdict.reason, claimedId: verdict.claimedId, unparseable: verdict.unparseable });
  }
  const forgedRemoved = removed.filter((r) => r.reason !== 'foreign').length;
  return { fields: kept, removed, forgedRemoved };
}
