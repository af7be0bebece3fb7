// What only the PostgreSQL store keeps of a body's text for SEARCH and previews (SPEC R7.4; RFC 9051 §6.4.4,
// RFC 8970): its row versions and the folded form; the extraction both stores share is in search-field-extract.ts,
// sort-key-extract.ts and body-analysis.ts. Pure.
import { textForm } from '../../mime/fold.js';
import type { MessageText } from '../../mime/text.js';

/**
 * body_text rows of this version answer searches and previews; 0 marks a body whose text PostgreSQL cannot hold
 * (a NUL character): its text is extracted again when needed, as for a body without a row.
 */
export const BODY_TEXT_VERSION = 1;
/** A row that cannot be stored as computed (a NUL character): recomputed on every use. */
export const UNSTORABLE_VERSION = 0;

/** Decoded text in the form the index stores and searches compare (as the SQLite text index). */
export const compared = (text: MessageText): MessageText => ({ header: textForm(text.header), body: textForm(text.body), preview: text.preview });

/** PostgreSQL TEXT cannot hold U+0000: a value holding it is not stored as is. */
export const holdsNul = (...values: ReadonlyArray<string | null>): boolean => values.some((v) => v !== null && v.includes('\u0000'));
