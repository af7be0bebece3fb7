// SASLprep (RFC 4013, a profile of stringprep RFC 3454): how passwords are normalised before they are hashed
// (R6.3) and before they are checked, so that the same password typed differently compares equal.

export type SaslprepResult = { ok: true; value: string } | { ok: false; error: string };

type Range = readonly [number, number];

/** RFC 3454 C.1.2 non-ASCII space characters: mapped to U+0020 (RFC 4013 §2.1). */
const NON_ASCII_SPACE: readonly Range[] = [
  [0x00a0, 0x00a0], [0x1680, 0x1680], [0x2000, 0x200b], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];

/** RFC 3454 B.1 commonly mapped to nothing (RFC 4013 §2.1). */
const MAPPED_TO_NOTHING: readonly Range[] = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x1806, 0x1806], [0x180b, 0x180d], [0x200b, 0x200d], [0x2060, 0x2060],
  [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];

/** RFC 4013 §2.3 prohibited output: RFC 3454 C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
const PROHIBITED: readonly Range[] = [
  ...NON_ASCII_SPACE,
  [0x0000, 0x001f], [0x007f, 0x009f],
  [0x0340, 0x0341], [0x06dd, 0x06dd], [0x070f, 0x070f], [0x180e, 0x180e], [0x200c, 0x200f], [0x2028, 0x202e],
  [0x2060, 0x2063], [0x206a, 0x206f], [0x2ff0, 0x2ffb], [0xd800, 0xdfff], [0xe000, 0xf8ff], [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff], [0xfff9, 0xfffd], [0x1d173, 0x1d17a], [0xe0001, 0xe0001], [0xe0020, 0xe007f],
  [0xf0000, 0xffffd], [0x100000, 0x10fffd],
];

/** RFC 3454 D.1: characters with bidirectional property R or AL. */
const RAND_AL: readonly Range[] = [
  [0x05be, 0x05be], [0x05c0, 0x05c0], [0x05c3, 0x05c3], [0x05d0, 0x05ea], [0x05f0, 0x05f4], [0x061b, 0x061b],
  [0x061f, 0x061f], [0x0621, 0x063a], [0x0640, 0x064a], [0x066d, 0x066f], [0x0671, 0x06d5], [0x06dd, 0x06dd],
  [0x06e5, 0x06e6], [0x06fa, 0x06fe], [0x0700, 0x070d], [0x0710, 0x0710], [0x0712, 0x072c], [0x0780, 0x07a5],
  [0x07b1, 0x07b1], [0x200f, 0x200f], [0xfb1d, 0xfb1d], [0xfb1f, 0xfb28], [0xfb2a, 0xfb36], [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e], [0xfb40, 0xfb41], [0xfb43, 0xfb44], [0xfb46, 0xfbb1], [0xfbd3, 0xfd3d], [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7], [0xfdf0, 0xfdfc], [0xfe70, 0xfe74], [0xfe76, 0xfefc],
];

/** Left-to-right characters (RFC 3454 D.2), approximated: letters and spacing marks outside R/AL scripts. */
const LEFT_TO_RIGHT = /[\p{L}\p{Mc}]/u;
const RTL_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const UNASSIGNED = /\p{Cn}/u;

function inRanges(cp: number, ranges: readonly Range[]): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** The code points of a string; lone surrogates come out as themselves (and are then prohibited). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

function isLeftToRight(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  return LEFT_TO_RIGHT.test(ch) && !RTL_SCRIPT.test(ch) && !inRanges(cp, RAND_AL);
}

/**
 * Prepares `input` per RFC 4013: map, normalise (NFKC), prohibit, check bidi. Stored strings (new passwords)
 * must not contain unassigned code points; queries (passwords being checked) may (RFC 3454 §7).
 */
export function saslprep(input: string, opts: { allowUnassigned: boolean }): SaslprepResult {
  let mapped = '';
  for (const cp of codePoints(input)) {
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += String.fromCodePoint(cp);
  }
  const normalised = mapped.normalize('NFKC');
  const cps = codePoints(normalised);
  for (const cp of cps) {
    if (inRanges(cp, PROHIBITED) || isNonCharacter(cp)) return { ok: false, error: `prohibited character U+${hex(cp)}` };
    if (!opts.allowUnassigned && UNASSIGNED.test(String.fromCodePoint(cp))) {
      return { ok: false, error: `unassigned code point U+${hex(cp)}` };
    }
  }
  // RFC 3454 §6: a string with R/AL characters has no L characters and starts and ends with R/AL.
  if (cps.some((cp) => inRanges(cp, RAND_AL))) {
    if (cps.some(isLeftToRight)) return { ok: false, error: 'mixes right-to-left and left-to-right text' };
    const first = cps[0] ?? 0;
    const last = cps[cps.length - 1] ?? 0;
    if (!inRanges(first, RAND_AL) || !inRanges(last, RAND_AL)) {
      return { ok: false, error: 'right-to-left text must start and end with a right-to-left character' };
    }
  }
  return { ok: true, value: normalised };
}

/** RFC 3454 C.4: U+xFFFE and U+xFFFF of every plane (U+FDD0..U+FDEF are in PROHIBITED). */
function isNonCharacter(cp: number): boolean {
  return (cp & 0xfffe) === 0xfffe;
}

function hex(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}
