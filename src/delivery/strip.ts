// Removal of Authentication-Results fields at the ADMD boundary (RFC 8601 §5, §7.1; SPEC R2.2): forged
// fields claiming our authserv-id, internal ids from untrusted clients, and foreign ids when configured.
//
// Decisions:
// - The field name is matched case-insensitively, and also with WSP before the colon (RFC 5322 §4.5.3
//   obs-syntax): lenient MUAs accept `Authentication-Results :`, so a forger could use it.
// - The value is judged in every reading a downstream reader may make of it (field-readings.ts): as UTF-8 and,
//   when not valid UTF-8, as latin-1; with RFC 2047 encoded words decoded; with Unicode spaces and format
//   characters taken as white space. If ANY reading names our id, the field is removed; if any names an
//   internal id and the client is untrusted, likewise. The whole value is read: no length cap below the
//   header block's (R11), so no disguise can hide the id past a limit.
// - Ids are compared in canonical form (NFKC, case folded, invisible characters and spaces removed): full-width
//   or zero-width-padded look-alikes of our id are our id; a genuinely different host (`<our id>.evil.test`)
//   is foreign.
// - A field whose authserv-id cannot be determined in some reading (it does not parse as RFC 8601 §2.2:
//   unterminated comment, empty, no id, two words...) is removed as forged (`undetermined`), unless another
//   reading names an internal id exactly and the client is trusted. Where its loosely read first word (comments,
//   quotes and escapes ignored) is our or an internal id, that is the reason given. A lenient reader might take
//   such a field as ours, and removing a broken field costs nothing.
// - ARC-Authentication-Results (RFC 8617 §4.1.1) is a different field, covered by the ARC-Seal of the
//   intermediary that added it: removing it would break that ARC chain, and no MUA reads it as our verdict.
import type { HeaderField } from './header-block.js';
import { looseFirstWord, parseAuthservId, sameAuthservId } from './authentication-results.js';
import { fieldReadings, newDecodeBudget, valueReadings } from './field-readings.js';

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

/**
 * Why a field was removed. `ours`, `internal-untrusted` and `undetermined` (no authserv-id could be read,
 * R2.2) are forgeries; `foreign` is policy.
 */
export type RemovalReason = 'ours' | 'internal-untrusted' | 'undetermined' | 'foreign';

export interface RemovedField {
  field: HeaderField;
  reason: RemovalReason;
  /** The authserv-id read from the field (loosely, when it did not parse). */
  claimedId: string;
  /** The value as received (its UTF-8 reading) did not parse as RFC 8601. */
  unparseable: boolean;
}

export interface StripResult {
  /** The fields kept, in their original order. */
  fields: HeaderField[];
  removed: RemovedField[];
  /** Forgeries removed: fields claiming our id, an internal id from an untrusted client, or no id at all (stored, R2.2). */
  forgedRemoved: number;
}

const AR_NAME = 'authentication-results';

/** True for an Authentication-Results field in any letter case (not ARC-Authentication-Results). */
export function isAuthenticationResults(field: HeaderField): boolean {
  return field.lowerName === AR_NAME;
}

type Verdict = { keep: true } | { keep: false; reason: RemovalReason; claimedId: string; unparseable: boolean };

interface Reading {
  /** The authserv-id the reading names: parsed (RFC 8601 §2.2), or its loosely read first word. */
  claimedId: string;
  /** The reading parsed, so the id is exactly what it names. */
  exact: boolean;
}

function readId(value: string): Reading {
  const parsed = parseAuthservId(value);
  return 'error' in parsed ? { claimedId: looseFirstWord(value), exact: false } : { claimedId: parsed.authservId, exact: true };
}

/** Decides what to do with one Authentication-Results field from its readings, the value as received first (R2.2). */
export function classifyReadings(readings: readonly string[], opts: StripOptions): Verdict {
  const read = readings.map(readId);
  const unparseable = read[0]?.exact !== true;
  const remove = (reason: RemovalReason, claimedId: string): Verdict => ({ keep: false, reason, claimedId, unparseable });
  const ours = read.find((r) => sameAuthservId(r.claimedId, opts.ourId));
  if (ours) return remove('ours', ours.claimedId);
  const internal = read.filter((r) => opts.internalIds.some((id) => sameAuthservId(r.claimedId, id)));
  if (internal.length > 0 && !opts.trustedClient) return remove('internal-untrusted', internal[0]!.claimedId);
  if (internal.some((r) => r.exact)) return { keep: true }; // a trusted client's internal field (R2.1)
  const undetermined = read.find((r) => !r.exact);
  if (undetermined) return remove('undetermined', undetermined.claimedId);
  if (opts.removeForeign) return remove('foreign', read[0]!.claimedId);
  return { keep: true };
}

/** Decides what to do with one Authentication-Results field value (its UTF-8 reading and those derived from it). */
export function classifyAuthenticationResults(value: string, opts: StripOptions): Verdict {
  return classifyReadings(valueReadings(value), opts);
}

/** Removes the Authentication-Results fields the ADMD policy forbids; other fields are kept untouched. */
export function stripAuthenticationResults(fields: readonly HeaderField[], opts: StripOptions): StripResult {
  const kept: HeaderField[] = [];
  const removed: RemovedField[] = [];
  const budget = newDecodeBudget(); // R11: RFC 2047 decoding bounded per message
  for (const field of fields) {
    if (!isAuthenticationResults(field)) {
      kept.push(field);
      continue;
    }
    const verdict = classifyReadings(fieldReadings(field, budget), opts);
    if (verdict.keep) kept.push(field);
    else removed.push({ field, reason: verdict.reason, claimedId: verdict.claimedId, unparseable: verdict.unparseable });
  }
  const forgedRemoved = removed.filter((r) => r.reason !== 'foreign').length;
  return { fields: kept, removed, forgedRemoved };
}
