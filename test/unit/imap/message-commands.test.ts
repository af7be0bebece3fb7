// The message commands run against a real SqliteStore through a minimal context: FETCH (RFC 9051 §6.4.5),
// STORE (§6.4.6, RFC 7162 §3.1.3), SEARCH/ESEARCH (§6.4.4, RFC 4731), COPY/MOVE (RFC 4315, RFC 6851),
// EXPUNGE (§6.4.3, §7.5.1) and APPEND (§6.3.12, RFC 3502, RFC 7889).
import { pino } from 'pino';
import { RenderCache } from '../../../src/imap/fetch/render-cache.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { append } from '../../../src/imap/commands/append.js';
import { copy, move } from '../../../src/imap/commands/copy.js';
import { expunge } from '../../../src/imap/commands/expunge.js';
import { fetch } from '../../../src/imap/commands/fetch.js';
import { search } from '../../../src/imap/commands/search.js';
import { storeFlags } from '../../../src/imap/commands/store-flags.js';
import type { CommandSpec, ImapContext } from '../../../src/imap/context.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { Command, FetchAttribute, SequenceSet } from '../../../src/imap/protocol/types.js';
import { noneEnabled } from '../../../src/imap/state.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from '../store/store-fixture.js';

const BODY = ['From: a@example.com', 'Subject: two parts', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'part one', '--b', 'Content-Type: text/plain', '', 'part two', '--b--', ''].join('\r\n');
const PREFIX = (id: number) => `Delivered-To: user${id}\r\n`;

let fx: Fixture;
let alice: User;
let inbox: MailboxInfo;
let view: MailboxView;
let out: string[];
let ctx: ImapContext;

beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  for (let i = 0; i < 3; i++) await fx.store.deliver(delivery(BODY, [alice.id])); // UIDs 1..3
  await selectInbox(false);
});
afterEach(async () => {
  view.close();
  await fx.cleanup();
});

async function selectInbox(readOnly: boolean): Promise<void> {
  view?.close();
  view = new MailboxView(await fx.store.getMailbox(alice.id, 'INBOX'), await fx.store.listUids(alice.id, inbox.id), (record) => fx.store.changes.subscribe(inbox.id, record), { tls: true, readOnly, condstore: () => false });
  out = [];
  ctx = {
    tag: 'A1',
    services: { store: fx.store, settings: { maxMessageBytes: 1000 }, renderCache: new RenderCache(1 << 20) },
    facts: { tls: { protocol: 'TLSv1.3', cipher: 'x' } },
    enabled: noneEnabled(),
    spooled: new Map(),
    log: pino({ level: 'silent' }), // EXPUNGE and MOVE log what they removed (issue 16 item 8)
    state: { kind: 'selected', user: { id: alice.id, name: 'alice' }, view },
    send: async (data: Buffer) => {
      out.push(data.toString('latin1'));
    },
  } as unknown as ImapContext;
}

async function exec<N extends Command['name']>(spec: CommandSpec<N>, cmd: Command & { name: N }) {
  out = [];
  const outcome = await spec.run(ctx, cmd as never);
  const r = outcome.result;
  return `${r.status}${r.code ? ` [${r.code}]` : ''}`;
}
const set = (from: number, to = from): SequenceSet => ({ kind: 'set', ranges: [{ from, to }] });
const fetchCmd = (s: SequenceSet, attributes: FetchAttribute[], uid = false) => ({ name: 'FETCH' as const, uid, set: s, attributes, changedSince: null });
const section = (part: number[], text: 'HEADER' | 'HEADER.FIELDS' | 'TEXT' | 'MIME' | null = null, fields: string[] = []) => ({ part, text, fields });

describe('FETCH', () => {
  it('serves sections by range: the top-level HEADER includes the trace prefix, parts and partials do not need it', async () => {
    expect(await exec(fetch, fetchCmd(set(1), [{ kind: 'BODY[]', section: section([], 'HEADER'), peek: true, partial: null }]))).toBe('OK');
    const header = `${PREFIX(alice.id)}From: a@example.com\r\nSubject: two parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n`;
    expect(out).toEqual([`* 1 FETCH (BODY[HEADER] {${header.length}}\r\n${header})\r\n`]);
    await exec(fetch, fetchCmd(set(1), [{ kind: 'BODY[]', section: section([2]), peek: true, partial: null }, { kind: 'BODY[]', section: section([1]), peek: true, partial: { offset: 5, length: 100 } }]));
    expect(out).toEqual(['* 1 FETCH (BODY[2] {8}\r\npart two BODY[1]<5> {3}\r\none)\r\n']);
    await exec(fetch, fetchCmd(set(1), [{ kind: 'BODY[]', section: section([], 'HEADER.FIELDS', ['subject', 'Delivered-To']), peek: true, partial: null }]));
    expect(out[0]).toContain(`BODY[HEADER.FIELDS (subject Delivered-To)] {${PREFIX(alice.id).length + 22}}\r\n${PREFIX(alice.id)}Subject: two parts\r\n\r\n)`);
  });

  it('sets \\Seen for BODY[] and reports the new FLAGS; BODY.PEEK and EXAMINE leave it; UID FETCH leads with UID', async () => {
    await exec(fetch, fetchCmd(set(1), [{ kind: 'BODY[]', section: section([1]), peek: true, partial: null }]));
    expect(out[0]).not.toContain('FLAGS');
    await exec(fetch, fetchCmd(set(2), [{ kind: 'BODY[]', section: section([1]), peek: false, partial: null }], true));
    expect(out).toEqual(['* 2 FETCH (UID 2 BODY[1] {8}\r\npart one FLAGS (\\Seen))\r\n']);
    await exec(fetch, fetchCmd(set(1, Infinity), [{ kind: 'FLAGS' }]));
    expect(out.join('')).toBe('* 1 FETCH (FLAGS ())\r\n* 2 FETCH (FLAGS (\\Seen))\r\n* 3 FETCH (FLAGS ())\r\n'); // one coalesced write
    await selectInbox(true);
    await exec(fetch, fetchCmd(set(3), [{ kind: 'RFC822.TEXT' }]));
    expect(out[0]).not.toContain('FLAGS');
  });

  it('answers BAD for a message number beyond the mailbox, and renders ENVELOPE and BODYSTRUCTURE', async () => {
    await expect(exec(fetch, fetchCmd(set(4), [{ kind: 'FLAGS' }]))).rejects.toThrow(/Invalid message number/);
    await exec(fetch, fetchCmd(set(1), [{ kind: 'ENVELOPE' }, { kind: 'BODYSTRUCTURE' }, { kind: 'RFC822.SIZE' }]));
    expect(out[0]).toMatch(/^\* 1 FETCH \(ENVELOPE \(NIL "two parts" \(\(NIL NIL "a" "example.com"\)\)/);
    expect(out[0]).toContain('BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 8 ');
    expect(out[0]).toMatch(/RFC822\.SIZE \d+\)\r\n$/);
  });
});

describe('FETCH BINARY (RFC 3516)', () => {
  it('undoes base64, reports the decoded size, and answers NO [UNKNOWN-CTE] for an encoding it cannot undo', async () => {
    const raw = (cte: string, body: string) => `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}\r\n`;
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(raw('base64', Buffer.from('hi\0there').toString('base64'))) }); // UID 4
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(raw('x-uuencode', 'begin 644 x')) }); // UID 5
    await selectInbox(false);
    const part = { part: [1], text: null, fields: [] };
    await exec(fetch, fetchCmd(set(4), [{ kind: 'BINARY[]', section: part, peek: true, partial: null }, { kind: 'BINARY.SIZE', section: part }], true));
    expect(out).toEqual(['* 4 FETCH (UID 4 BINARY[1] ~{8}\r\nhi\0there BINARY.SIZE[1] 8)\r\n']);
    expect(await exec(fetch, fetchCmd(set(5), [{ kind: 'BINARY.SIZE', section: part }], true))).toBe('NO [UNKNOWN-CTE]');
  });
});

describe('STORE', () => {
  it('reports changed messages (with UID for UID STORE), nothing with .SILENT, and MODIFIED under UNCHANGEDSINCE', async () => {
    const cmd = { name: 'STORE' as const, uid: true, set: set(1, 2), mode: 'add' as const, silent: false, flags: ['\\Flagged'], unchangedSince: null };
    expect(await exec(storeFlags, cmd)).toBe('OK');
    expect(out).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Flagged))\r\n', '* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n']);
    expect(view.flush({ allowExpunge: false, uidInFetch: false })).toEqual([]); // not reported twice
    expect(await exec(storeFlags, { ...cmd, uid: false, set: set(3), silent: true })).toBe('OK');
    expect(out).toEqual([]);
    const [m3] = await fx.store.listMessages(alice.id, inbox.id, [{ from: 3, to: 3 }]);
    expect(await exec(storeFlags, { ...cmd, uid: false, set: set(1, 3), mode: 'replace', flags: [], unchangedSince: m3!.modseq - 1 })).toBe('OK [MODIFIED 3]');
    // Issue 13 item 17: read-only (EXAMINE) ignores a STORE with OK, as Dovecot; a conditional one is NO.
    await selectInbox(true);
    expect(await exec(storeFlags, { ...cmd, flags: ['\\Seen'] })).toBe('OK');
    expect(out).toEqual([]);
    expect(await exec(storeFlags, { ...cmd, unchangedSince: 1 })).toBe('NO');
  });
});

describe('SEARCH', () => {
  it('answers * SEARCH with message numbers or UIDs, ESEARCH with RETURN, and BADCHARSET for unknown charsets', async () => {
    await fx.store.setFlags(alice.id, inbox.id, [2, 3], 'add', ['\\Seen']);
    const cmd = { name: 'SEARCH' as const, uid: false, charset: null, key: { kind: 'flag' as const, flag: '\\Seen', set: true }, returnOptions: null };
    expect(await exec(search, cmd)).toBe('OK');
    expect(out).toEqual(['* SEARCH 2 3\r\n']);
    await exec(search, { ...cmd, uid: true, returnOptions: ['MIN', 'COUNT', 'ALL'] });
    expect(out).toEqual(['* ESEARCH (TAG "A1") UID MIN 2 ALL 2:3 COUNT 2\r\n']);
    await exec(search, { ...cmd, key: { kind: 'flag', flag: '\\Draft', set: true }, returnOptions: ['MIN', 'COUNT'] });
    expect(out).toEqual(['* ESEARCH (TAG "A1") COUNT 0\r\n']);
    expect(await exec(search, { ...cmd, charset: 'ISO-8859-1' })).toBe('OK'); // issue 13 item 11: converted
    expect(await exec(search, { ...cmd, charset: 'X-MARTIAN' })).toMatch(/^NO \[BADCHARSET \(US-ASCII UTF-8 ISO-8859-1 .* KOI8-R KOI8-U\)\]$/);
  });
});

describe('COPY, MOVE and EXPUNGE', () => {
  it('COPY answers COPYUID, or TRYCREATE for a missing destination', async () => {
    expect(await exec(copy, { name: 'COPY', uid: false, set: set(1, 3), mailbox: 'Archive' })).toBe(`OK [COPYUID ${(await fx.store.getMailbox(alice.id, 'Archive')).uidValidity} 1:3 1:3]`);
    expect(await exec(copy, { name: 'COPY', uid: false, set: set(1), mailbox: 'Nowhere' })).toBe('NO [TRYCREATE]');
  });

  it('MOVE sends the untagged COPYUID, then EXPUNGEs numbered as they are at that moment', async () => {
    const trash = await fx.store.getMailbox(alice.id, 'Trash');
    expect(await exec(move, { name: 'MOVE', uid: true, set: { kind: 'set', ranges: [{ from: 1, to: 1 }, { from: 3, to: 3 }] }, mailbox: 'Trash' })).toBe('OK');
    expect(out).toEqual([`* OK [COPYUID ${trash.uidValidity} 1,3 1:2] Moved\r\n`, '* 3 EXPUNGE\r\n', '* 1 EXPUNGE\r\n']);
    expect(view.allUids()).toEqual([2]);
    expect(view.flush({ allowExpunge: true, uidInFetch: false })).toEqual([]);
  });

  it('EXPUNGE removes \\Deleted messages only (UID EXPUNGE: within the set), highest first', async () => {
    await fx.store.setFlags(alice.id, inbox.id, [1, 2, 3], 'add', ['\\Deleted']);
    view.flush({ allowExpunge: true, uidInFetch: false });
    expect(await exec(expunge, { name: 'EXPUNGE', uids: set(2, 3) })).toBe('OK');
    expect(out).toEqual(['* 3 EXPUNGE\r\n', '* 2 EXPUNGE\r\n']);
    expect(await exec(expunge, { name: 'EXPUNGE', uids: null })).toBe('OK');
    expect(out).toEqual(['* 1 EXPUNGE\r\n']);
    expect(await fx.store.listUids(alice.id, inbox.id)).toEqual([]);
  });
});

describe('APPEND', () => {
  const msg = (text: string, flags: string[] = []) => ({ flags, date: { instant: new Date('2024-01-02T03:04:05Z'), zone: 90 }, message: Buffer.from(text) });

  it('answers APPENDUID (a set for MULTIAPPEND), TRYCREATE and TOOBIG', async () => {
    const info = await fx.store.getMailbox(alice.id, 'Drafts');
    expect(await exec(append, { name: 'APPEND', mailbox: 'Drafts', messages: [msg('Subject: a\r\n\r\nx\r\n', ['\\Draft'])] })).toBe(`OK [APPENDUID ${info.uidValidity} 1]`);
    const [meta] = await fx.store.listMessages(alice.id, info.id);
    expect(meta).toMatchObject({ flags: ['\\Draft'], internalDate: new Date('2024-01-02T03:04:05Z'), internalZone: 90 });
    expect(await exec(append, { name: 'APPEND', mailbox: 'Drafts', messages: [msg('a\r\n'), msg('b\r\n')] })).toBe(`OK [APPENDUID ${info.uidValidity} 2:3]`);
    expect(await exec(append, { name: 'APPEND', mailbox: 'Nope', messages: [msg('a\r\n')] })).toBe('NO [TRYCREATE]');
    expect(await exec(append, { name: 'APPEND', mailbox: 'Drafts', messages: [msg('a\r\n'), msg('x'.repeat(1001))] })).toBe('NO [TOOBIG]');
    expect((await fx.store.getMailbox(alice.id, 'Drafts')).messages).toBe(3);
  });

  it('MULTIAPPEND is all or nothing in one transaction: a failure stores none, takes no UID and logs no expunge', async () => {
    const before = await fx.store.getMailbox(alice.id, 'Drafts');
    await expect(exec(append, { name: 'APPEND', mailbox: 'Drafts', messages: [msg('a\r\n'), msg('b\r\n', ['bad keyword'])] })).rejects.toThrow();
    const after = await fx.store.getMailbox(alice.id, 'Drafts');
    expect(after.messages).toBe(0);
    expect(after.uidNext).toBe(before.uidNext); // RFC 3502 §6.3.11: as if the command had never been sent
    expect(after.highestModseq).toBe(before.highestModseq);
    expect(await fx.store.expungedSince(alice.id, after.id, 0)).toEqual([]);
  });
});
