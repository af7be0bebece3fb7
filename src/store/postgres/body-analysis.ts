// What the PostgreSQL store derives from a body for FETCH (SPEC R7.3; issue 17 item 2): its MIME structure and its
// ENVELOPE / BODY / BODYSTRUCTURE wire forms, with the versions that tell a stored row is current. Pure; copied from
// sqlite/body-index.ts (STRUCTURE_VERSION, analyzeBody, readStructure) and sqlite/renderings.ts (RENDERING_VERSION),
// whose files take a SqliteDb. The versions must stay equal to those (test/unit/store/structure.test.ts and
// renderings.test.ts check it): both backends store the same rows.
import { WindowScan } from '../../mime/byte-scan.js';
import { parseMessage, parseMessageScan } from '../../mime/parse.js';
import { FORMS_VERSION, renderStoredForms } from '../../mime/render/forms.js';
import type { MimeMessage } from '../../mime/types.js';
import type { BodyAnalysis } from '../sqlite/body-index.js';
import type { RangeBody } from '../sqlite/body-bytes.js';

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
