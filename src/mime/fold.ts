// The one form in which SEARCH compares text (RFC 9051 §6.4.4; SPEC R7.4; issue 14 item 3): Unicode canonical
// composition (NFC), lower case, and the full case foldings that lower-casing leaves apart (ß/ẞ → ss, final
// sigma ς → σ, Unicode CaseFolding.txt), so that a decomposed "café" (e + U+0301) and a composed one, or "STRASSE"
// and "straße", compare equal. Header fields (FROM, SUBJECT, HEADER …), the full-text index and every needle
// go through it. Pure.

/** Characters that lower-casing keeps apart from their full case folding. */
const FULL_FOLD = /[ßẞς]/g;
const FULL_FOLDS: Record<string, string> = { ß: 'ss', ẞ: 'ss', ς: 'σ' };
const NON_ASCII = /[^\x00-\x7f]/;

/** Case-insensitive comparison form: NFC, lower-cased, fully case-folded, NFC again (so that it is idempotent). */
export function fold(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFC').toLowerCase().replace(FULL_FOLD, (c) => FULL_FOLDS[c] ?? c).normalize('NFC');
}

/**
 * The form of decoded message text in the full-text index and of a BODY / TEXT needle: folded, and each run of
 * white space (line breaks included) one space, since where a sender, a flowed-text decoder or the HTML
 * renderer (html-to-text wraps at 80 columns) breaks a line is not something the reader sees as different text.
 */
export function textForm(text: string): string {
  // White space first: folding never makes or removes white space, and a string that lower-casing returns is
  // flat in memory, where a replace's result is a rope that the first search over it would flatten (about 40 µs
  // per message text, 9× the cost of searching it; issue 14 item 4).
  return fold(text.replace(WHITE_RUN, ' '));
}

/**
 * A run of white space that is not already one space: two or more white-space characters (the whole run), or
 * one that is not U+0020. Replacing only these gives the same text as replacing every run, without rewriting
 * the many single spaces between words.
 */
const WHITE_RUN = /\s{2,}|[^\S ]/g;
