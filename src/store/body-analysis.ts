// What every store derives from a body for FETCH at ingest (SPEC R7.3; issue 17 item 2): its MIME structure and its
// ENVELOPE / BODY / BODYSTRUCTURE wire forms, with the versions that tell a stored row is current. Pure: both
// backends store the same rows from it.
import { WindowScan } from '../mime/byte-scan.js';
import { parseMessage, parseMessageScan } from '../mime/parse.js';
import { FORMS_VERSION, renderStoredForms, type StoredForms } from '../mime/render/forms.js';
import type { MimeMessage } from '../mime/types.js';

/** A body read by range (a spooled one, issue 17 item 4): stored a chunk at a time, never read whole. */
export interface RangeBody {
  readonly length: number;
  /** Octets [start, end), clamped; the buffer may be overwritten by the next read. */
  read(start: number, end: number): Buffer;
}

/** What ingest stores beside a body: its structure, as JSON, and its FETCH wire forms (issue 17 item 2). */
export interface BodyAnalysis {
  structure: string;
  mime: MimeMessage;
  forms: StoredForms;
}

/** Bumped when the parser's output changes: stored structures of another version are recomputed. */
export const STRUCTURE_VERSION = 3;

/** The parser's and the renderer's versions in one number: either changing renders the forms again. */
export const RENDERING_VERSION = STRUCTURE_VERSION * 1000 + FORMS_VERSION;

/** Parses and renders a body (pure CPU work); never throws; a RangeBody is read a window at a time. */
export function analyzeBody(body: Buffer | RangeBody): BodyAnalysis {
  const mime = Buffer.isBuffer(body) ? parseMessage(body) : parseMessageScan(new WindowScan(body.length, (start, end) => body.read(start, end)));
  return { structure: JSON.stringify(mime), mime, forms: renderStoredForms(mime) };
}

/** A stored structure, or null when absent or of another parser version. */
export function readStructure(json: string | null, version: number | null): MimeMessage | null {
  if (json === null || version !== STRUCTURE_VERSION) return null;
  try {
    return JSON.parse(json) as MimeMessage;
  } catch {
    return null;
  }
}

/**
 * Whether every form can be kept in a text column that holds no NUL (PostgreSQL's): a message with NUL octets in a
 * header renders them into its ENVELOPE; its forms are then rendered from the structure on each use instead.
 */
export function formsStorableAsText(forms: StoredForms): boolean {
  const all = [forms.plain.envelope, forms.plain.body, forms.plain.bodystructure, forms.utf8.envelope, forms.utf8.body, forms.utf8.bodystructure];
  return all.every((f) => f === null || f === undefined || !f.includes('\u0000'));
}
