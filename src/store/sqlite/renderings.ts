// The ENVELOPE, BODY and BODYSTRUCTURE wire forms of bodies (issue 17 item 2; migrations/0022-rendered-items.sql):
// rendered at ingest with the structure (src/mime/render/forms.ts, protocol-neutral) and stored beside the body,
// read back for a batch of messages in one join, so that a cold metadata FETCH neither parses JSON nor renders.
// Bodies stored before the migration (or rendered by another version) are rendered on first need and stored.
import type { Statement } from 'better-sqlite3';
import { FORMS_VERSION, renderStoredForms, type MessageForms, type StoredForms } from '../../mime/render/forms.js';
import { STRUCTURE_VERSION, type BodyIndexRepo } from './body-index.js';
import type { SqliteDb } from './database.js';

/** The parser's and the renderer's versions in one number: either changing renders the forms again. */
export const RENDERING_VERSION = STRUCTURE_VERSION * 1000 + FORMS_VERSION;

/** uid, body id, version, envelope, body, bodystructure (raw rows: no object per message). */
type FormsRow = [number, number, number | null, string | null, string | null, string | null];

function formsQuery(utf8: boolean): string {
  const col = (name: string): string => (utf8 ? `COALESCE(r.${name}_utf8, r.${name})` : `r.${name}`);
  return (
    `SELECT m.uid, m.body_id, r.version, ${col('envelope')}, ${col('body')}, ${col('bodystructure')} FROM messages m ` +
    'LEFT JOIN body_renderings r ON r.body_id = m.body_id ' +
    'WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid'
  );
}

export class RenderingsRepo {
  private readonly setStmt: Statement<[number, number, string, string, string, string | null, string | null, string | null]>;
  private readonly plainStmt: Statement<[number, string], FormsRow>;
  private readonly utf8Stmt: Statement<[number, string], FormsRow>;

  constructor(
    private readonly db: SqliteDb,
    private readonly bodyIndex: BodyIndexRepo,
  ) {
    this.setStmt = db.prepare(
      'INSERT OR REPLACE INTO body_renderings (body_id, version, envelope, body, bodystructure, envelope_utf8, body_utf8, bodystructure_utf8) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.plainStmt = db.prepare<[number, string], FormsRow>(formsQuery(false)).raw(true);
    this.utf8Stmt = db.prepare<[number, string], FormsRow>(formsQuery(true)).raw(true);
  }

  /** Stores the forms of a body (inside the transaction that inserted the body). */
  store(bodyId: number, forms: StoredForms): void {
    const { plain, utf8 } = forms;
    this.setStmt.run(bodyId, RENDERING_VERSION, plain.envelope, plain.body, plain.bodystructure, utf8.envelope, utf8.body, utf8.bodystructure);
  }

  /**
   * The forms, in the mode asked for (UTF8=ACCEPT or not), of the listed messages that exist in the mailbox;
   * those of bodies without current stored forms are rendered from the structure and stored.
   */
  forms(mailboxId: number, uids: readonly number[], utf8: boolean): Map<number, MessageForms> {
    const out = new Map<number, MessageForms>();
    if (uids.length === 0) return out;
    const rows = (utf8 ? this.utf8Stmt : this.plainStmt).all(mailboxId, JSON.stringify(uids.filter(Number.isSafeInteger)));
    let missing: number[] | null = null;
    for (const [uid, , version, envelope, body, bodystructure] of rows) {
      if (version !== RENDERING_VERSION || envelope === null || body === null || bodystructure === null) (missing ??= []).push(uid);
      else out.set(uid, { envelope, body, bodystructure });
    }
    if (missing !== null) this.backfill(mailboxId, missing, rows, utf8, out);
    return out;
  }

  /** Renders and stores the forms of bodies stored without them (before migration 0022, or another version). */
  private backfill(mailboxId: number, uids: readonly number[], rows: readonly FormsRow[], utf8: boolean, out: Map<number, MessageForms>): void {
    const bodyOf = new Map(rows.map(([uid, bodyId]) => [uid, bodyId]));
    const rendered: Array<[number, StoredForms]> = [];
    for (const [uid, structure] of this.bodyIndex.structures(mailboxId, uids)) {
      const forms = renderStoredForms(structure.mime);
      rendered.push([bodyOf.get(uid)!, forms]);
      const { plain, utf8: u } = forms;
      out.set(uid, utf8 ? { envelope: u.envelope ?? plain.envelope, body: u.body ?? plain.body, bodystructure: u.bodystructure ?? plain.bodystructure } : plain);
    }
    try {
      this.db.transaction(() => rendered.forEach(([bodyId, forms]) => this.store(bodyId, forms))).immediate();
    } catch {
      // Busy or read-only: serve the forms anyway; a later request stores them.
    }
  }
}
