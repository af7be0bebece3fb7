// The ENVELOPE, BODY and BODYSTRUCTURE wire forms of bodies (issue 17 item 2; migrations/0022-rendered-items.sql):
// rendered at ingest with the structure (src/mime/render/forms.ts, protocol-neutral) and stored beside the body,
// read back for a batch of messages in one join, so that a cold metadata FETCH neither parses JSON nor renders.
// Bodies stored before the migration (or rendered by another version) are rendered on first need and stored.
import type { Statement } from 'better-sqlite3';
import { renderStoredForms, type MessageForms, type StoredForms } from '../../mime/render/forms.js';
import { RENDERING_VERSION } from '../body-analysis.js';
import type { BodyIndexRepo } from './body-index.js';
import type { SqliteDb } from './database.js';

export { RENDERING_VERSION } from '../body-analysis.js';

/** The names of the forms, in column order. */
export type FormName = keyof MessageForms;
const ALL_FORMS: readonly FormName[] = ['envelope', 'body', 'bodystructure'];

/** uid, body id, version, then the asked-for forms in ALL_FORMS order (raw rows: no object per message). */
type FormsRow = [number, number, number | null, ...Array<string | null>];

function formsQuery(forms: readonly FormName[], utf8: boolean): string {
  const col = (name: string): string => (utf8 ? `COALESCE(r.${name}_utf8, r.${name})` : `r.${name}`);
  return (
    `SELECT m.uid, m.body_id, r.version${forms.map((f) => `, ${col(f)}`).join('')} FROM messages m ` +
    'LEFT JOIN body_renderings r ON r.body_id = m.body_id ' +
    'WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid'
  );
}

export class RenderingsRepo {
  private readonly setStmt: Statement<[number, number, string, string, string, string | null, string | null, string | null]>;
  /** One statement per set of forms and mode, prepared on first use (at most 14). */
  private readonly queries = new Map<string, Statement<[number, string], FormsRow>>();

  constructor(
    private readonly db: SqliteDb,
    private readonly bodyIndex: BodyIndexRepo,
  ) {
    this.setStmt = db.prepare(
      'INSERT OR REPLACE INTO body_renderings (body_id, version, envelope, body, bodystructure, envelope_utf8, body_utf8, bodystructure_utf8) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Stores the forms of a body (inside the transaction that inserted the body). */
  store(bodyId: number, forms: StoredForms): void {
    const { plain, utf8 } = forms;
    this.setStmt.run(bodyId, RENDERING_VERSION, plain.envelope, plain.body, plain.bodystructure, utf8.envelope, utf8.body, utf8.bodystructure);
  }

  private query(forms: readonly FormName[], utf8: boolean): Statement<[number, string], FormsRow> {
    const key = `${forms.join(' ')}/${utf8}`;
    let stmt = this.queries.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare<[number, string], FormsRow>(formsQuery(forms, utf8)).raw(true);
      this.queries.set(key, stmt);
    }
    return stmt;
  }

  /**
   * The forms named in `only` (default all three), in the mode asked for (UTF8=ACCEPT or not), of the listed
   * messages that exist in the mailbox: only those columns are read (a metadata FETCH rarely asks for BODY). Those
   * of bodies without current stored forms are rendered from the structure and stored, all three.
   */
  forms(mailboxId: number, uids: readonly number[], utf8: boolean, only: readonly FormName[] = ALL_FORMS): Map<number, Partial<MessageForms>> {
    const out = new Map<number, Partial<MessageForms>>();
    if (uids.length === 0) return out;
    const names = ALL_FORMS.filter((f) => only.includes(f));
    if (names.length === 0) return out;
    const rows = this.query(names, utf8).all(mailboxId, JSON.stringify(uids.filter(Number.isSafeInteger)));
    let missing: number[] | null = null;
    for (const row of rows) {
      const found: Partial<MessageForms> = {};
      let complete = row[2] === RENDERING_VERSION;
      for (let i = 0; i < names.length && complete; i++) {
        const value = row[3 + i];
        if (typeof value === 'string') found[names[i]!] = value;
        else complete = false;
      }
      if (complete) out.set(row[0], found);
      else (missing ??= []).push(row[0]);
    }
    if (missing !== null) this.backfill(mailboxId, missing, rows, utf8, out);
    return out;
  }

  /** Renders and stores the forms of bodies stored without them (before migration 0022, or another version). */
  private backfill(mailboxId: number, uids: readonly number[], rows: readonly FormsRow[], utf8: boolean, out: Map<number, Partial<MessageForms>>): void {
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
