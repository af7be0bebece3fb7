// The stored MIME structures and FETCH wire forms of messages in the PostgreSQL store (SPEC R7.3; issue 17 item 2;
// RFC 6855 §3 for the UTF8=ACCEPT forms), as sqlite/body-index.ts and sqlite/renderings.ts serve them: read for a
// batch of messages in one join; a body whose row is missing or of another version is analysed again, served, and
// its row stored (backfill; a failure to store is ignored: a later request stores it).
import type { MessageForms, StoredForms } from '../../mime/render/forms.js';
import { renderStoredForms } from '../../mime/render/forms.js';
import type { MimeMessage } from '../../mime/types.js';
import type { BodyAnalysis } from '../body-analysis.js';
import type { MailboxId, MessageStructure, UserId } from '../types.js';
import { analyzeBody, formsStorableAsText, readStructure, RENDERING_VERSION, STRUCTURE_VERSION } from '../body-analysis.js';
import { readBody } from './body-read.js';
import type { PgContext } from './context.js';
import { query, transaction } from './database.js';
import { openBodyScan } from './body-scan.js';
import { ownedRows, uidArray } from './owned.js';

export type FormName = keyof MessageForms;
const ALL_FORMS: readonly FormName[] = ['envelope', 'body', 'bodystructure'];

interface StructureRow {
  uid: number;
  prefix_len: number;
  body_id: number;
  structure: string | null;
  version: number | null;
}

type FormsRow = { uid: number; body_id: number; version: number | null } & Partial<Record<FormName, string | null>>;

export class FormsReader {
  constructor(private readonly ctx: PgContext) {}

  /** Structures of the listed messages that exist in the mailbox, computing (and storing) any missing or old one. */
  async structures(userId: UserId, mailboxId: MailboxId, uids: readonly number[]): Promise<Map<number, MessageStructure>> {
    const out = new Map<number, MessageStructure>();
    const rows = await ownedRows<StructureRow>(
      this.ctx.pool,
      userId,
      mailboxId,
      'SELECT m.uid, length(m.prefix) AS prefix_len, m.body_id, s.structure, s.version FROM messages m ' +
        'LEFT JOIN body_structures s ON s.body_id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = ANY($3::bigint[])',
      [uidArray(uids)],
    );
    const parsed = new Map<number, MimeMessage>(); // a body shared by several of the messages is parsed once
    for (const row of rows) {
      let mime = readStructure(row.structure, row.version) ?? parsed.get(row.body_id);
      if (mime === undefined) {
        mime = await this.backfillStructure(row.body_id);
        parsed.set(row.body_id, mime);
      }
      out.set(row.uid, { prefixLength: row.prefix_len, mime });
    }
    return out;
  }

  /**
   * Parses and stores the structure of a body stored without a current one (another parser version). A chunked
   * body is parsed a window at a time (issue 17 item 4: never held whole), read through a helper thread
   * (body-scan.ts; read whole when the pool has no URL for it); a body freed meanwhile parses as empty, as the SQLite
   * store's backfill reads it.
   */
  private async backfillStructure(bodyId: number): Promise<MimeMessage> {
    const info = async () =>
      (await query<{ size: number; chunk_bytes: number }>(this.ctx.pool, 'SELECT size, chunk_bytes FROM bodies WHERE id = $1', [bodyId]))[0];
    const found = await info();
    let analysis: BodyAnalysis;
    const scan = found !== undefined && found.chunk_bytes > 0 ? openBodyScan(this.ctx.pool, bodyId, found.size, found.chunk_bytes) : null;
    if (scan !== null) {
      try {
        analysis = analyzeBody(scan);
      } catch (err) {
        if ((await info()) !== undefined) throw err;
        analysis = analyzeBody(Buffer.alloc(0));
      } finally {
        await scan.close();
      }
    } else {
      analysis = analyzeBody((await this.ctx.read((client) => readBody(client, bodyId))) ?? Buffer.alloc(0));
    }
    try {
      await transaction(this.ctx.pool, (client) =>
        client.query(
          'INSERT INTO body_structures (body_id, version, structure) VALUES ($1, $2, $3) ' +
            'ON CONFLICT (body_id) DO UPDATE SET version = EXCLUDED.version, structure = EXCLUDED.structure',
          [bodyId, STRUCTURE_VERSION, analysis.structure],
        ),
      );
    } catch {
      // The body was freed meanwhile, or the database is read-only: serve the structure anyway.
    }
    return analysis.mime;
  }

  /**
   * The forms named in `only` (default all three), in the mode asked for, of the listed messages that exist in the
   * mailbox: only those columns are read. Those of bodies without current stored forms are rendered from the
   * structure and stored, all three (as sqlite/renderings.ts RenderingsRepo.forms).
   */
  async forms(
    userId: UserId,
    mailboxId: MailboxId,
    uids: readonly number[],
    utf8: boolean,
    only: readonly FormName[] = ALL_FORMS,
  ): Promise<Map<number, Partial<MessageForms>>> {
    const out = new Map<number, Partial<MessageForms>>();
    const names = ALL_FORMS.filter((f) => only.includes(f));
    const col = (name: FormName): string => (utf8 ? `COALESCE(r.${name}_utf8, r.${name}) AS ${name}` : `r.${name} AS ${name}`);
    const rows = await ownedRows<FormsRow>(
      this.ctx.pool,
      userId,
      mailboxId,
      `SELECT m.uid, m.body_id, r.version${names.map((f) => `, ${col(f)}`).join('')} FROM messages m ` +
        'LEFT JOIN body_renderings r ON r.body_id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = ANY($3::bigint[])',
      [uidArray(uids)],
    );
    if (names.length === 0) return out;
    const missing: FormsRow[] = [];
    for (const row of rows) {
      const found: Partial<MessageForms> = {};
      let complete = row.version === RENDERING_VERSION;
      for (const name of names) {
        const value = row[name];
        if (typeof value === 'string') found[name] = value;
        else complete = false;
      }
      if (complete) out.set(row.uid, found);
      else missing.push(row);
    }
    if (missing.length > 0) await this.backfillForms(userId, mailboxId, missing, utf8, out);
    return out;
  }

  /** Renders and stores the forms of bodies stored without current ones (another renderer or parser version). */
  private async backfillForms(userId: UserId, mailboxId: MailboxId, rows: readonly FormsRow[], utf8: boolean, out: Map<number, Partial<MessageForms>>): Promise<void> {
    const bodyOf = new Map(rows.map((r) => [r.uid, r.body_id]));
    const rendered = new Map<number, StoredForms>();
    for (const [uid, structure] of await this.structures(userId, mailboxId, [...bodyOf.keys()])) {
      const bodyId = bodyOf.get(uid)!;
      const forms = rendered.get(bodyId) ?? renderStoredForms(structure.mime);
      rendered.set(bodyId, forms);
      const { plain, utf8: u } = forms;
      out.set(uid, utf8 ? { envelope: u.envelope ?? plain.envelope, body: u.body ?? plain.body, bodystructure: u.bodystructure ?? plain.bodystructure } : plain);
    }
    // Forms a text column cannot hold (NUL octets) stay unstored, rendered on each use.
    const storable = [...rendered].filter(([, forms]) => formsStorableAsText(forms));
    if (storable.length === 0) return;
    try {
      await transaction(this.ctx.pool, async (client) => {
        for (const [bodyId, { plain, utf8: u }] of storable) {
          await client.query(
            'INSERT INTO body_renderings (body_id, version, envelope, body, bodystructure, envelope_utf8, body_utf8, bodystructure_utf8) ' +
              'VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (body_id) DO UPDATE SET version = EXCLUDED.version, ' +
              'envelope = EXCLUDED.envelope, body = EXCLUDED.body, bodystructure = EXCLUDED.bodystructure, ' +
              'envelope_utf8 = EXCLUDED.envelope_utf8, body_utf8 = EXCLUDED.body_utf8, bodystructure_utf8 = EXCLUDED.bodystructure_utf8',
            [bodyId, RENDERING_VERSION, plain.envelope, plain.body, plain.bodystructure, u.envelope, u.body, u.bodystructure],
          );
        }
      });
    } catch {
      // A body freed meanwhile, or a read-only database: serve the forms anyway; a later request stores them.
    }
  }
}
