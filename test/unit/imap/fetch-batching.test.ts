// How FETCH reads the store (SPEC R12): the stored ENVELOPE/BODY/BODYSTRUCTURE forms only for messages whose
// renderings are not cached yet (issue 17 item 2), structures only when a section needs them, whole messages in byte-bounded batches for
// BODY[] / RFC822 / BINARY[] (ranged reads for partials), and the responses in one coalesced write.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetch } from '../../../src/imap/commands/fetch.js';
import type { ImapContext } from '../../../src/imap/context.js';
import { RenderCache } from '../../../src/imap/fetch/render-cache.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { FetchAttribute } from '../../../src/imap/protocol/types.js';
import { noneEnabled } from '../../../src/imap/state.js';
import type { User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from '../store/store-fixture.js';

const BODY = (i: number) => `From: a@example.com\r\nSubject: message ${i}\r\nContent-Type: text/plain\r\n\r\nbody ${i}\r\n`;

let fx: Fixture;
let alice: User;
let view: MailboxView;
let writes: string[];
let ctx: ImapContext;

beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  for (let i = 1; i <= 5; i++) await fx.store.deliver(delivery(BODY(i), [alice.id]));
  const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  view = new MailboxView(inbox, await fx.store.listUids(alice.id, inbox.id), (record) => fx.store.changes.subscribe(inbox.id, record), { tls: true, readOnly: false, condstore: () => false });
  writes = [];
  ctx = {
    tag: 'A1',
    services: { store: fx.store, settings: { maxMessageBytes: 1000 }, renderCache: new RenderCache(1 << 20) },
    facts: { tls: null },
    enabled: noneEnabled(),
    state: { kind: 'selected', user: { id: alice.id, name: 'alice' }, view },
    send: async (data: Buffer) => void writes.push(data.toString('latin1')),
  } as unknown as ImapContext;
});
afterEach(async () => {
  view.close();
  await fx.cleanup();
});

const all = { kind: 'set' as const, ranges: [{ from: 1, to: Infinity }] };
const run = (attributes: FetchAttribute[]) => fetch.run(ctx, { name: 'FETCH', uid: true, set: all, attributes, changedSince: null });
const whole: FetchAttribute = { kind: 'BODY[]', section: { part: [], text: null, fields: [] }, peek: true, partial: null };

describe('FETCH store access', () => {
  it('reads stored forms only for messages whose renderings are not cached, structures only for sections', async () => {
    const forms = vi.spyOn(fx.store, 'messageForms');
    const structures = vi.spyOn(fx.store, 'messageStructures');
    await run([{ kind: 'ENVELOPE' }]);
    expect(forms.mock.calls.map((c) => [c[2], c[3]])).toEqual([[[1, 2, 3, 4, 5], false]]);
    await run([{ kind: 'ENVELOPE' }]);
    expect(forms).toHaveBeenCalledTimes(1); // every ENVELOPE cached: no store read
    await run([{ kind: 'ENVELOPE' }, { kind: 'BODYSTRUCTURE' }]);
    expect(forms.mock.calls[1]?.[2]).toEqual([1, 2, 3, 4, 5]); // BODYSTRUCTURE not cached yet
    expect(structures).not.toHaveBeenCalled(); // issue 17 item 2: rendered at ingest, never from the structure
    ctx.enabled.utf8Accept = true;
    await run([{ kind: 'ENVELOPE' }]);
    expect(forms.mock.calls[2]?.[3]).toBe(true); // UTF8=ACCEPT renderings are cached apart
    await run([{ kind: 'BODY[]', section: { part: [1], text: null, fields: [] }, peek: true, partial: null }, { kind: 'ENVELOPE' }]);
    expect(forms).toHaveBeenCalledTimes(3);
    expect(structures).toHaveBeenCalledTimes(1); // a section needs the structure whatever the cache holds
  });

  it('reads whole messages in one store call and answers in one write; partials are read by range', async () => {
    const many = vi.spyOn(fx.store, 'readMessages');
    const one = vi.spyOn(fx.store, 'readMessage');
    const outcome = await run([whole]);
    expect(outcome.result.status).toBe('OK');
    expect(many).toHaveBeenCalledTimes(1);
    expect(one).not.toHaveBeenCalled();
    expect(writes).toHaveLength(1);
    const served = await Promise.all([1, 2, 3, 4, 5].map((uid) => fx.store.readMessage(alice.id, view.mailboxId, uid)));
    expect(writes[0]).toBe(served.map((b, i) => `* ${i + 1} FETCH (UID ${i + 1} BODY[] {${b.length}}\r\n${b.toString('latin1')})\r\n`).join(''));
    one.mockClear();
    many.mockClear();
    await run([{ ...whole, partial: { offset: 0, length: 4 } }]);
    expect(many).not.toHaveBeenCalled();
    expect(one).toHaveBeenCalledTimes(5);
  });

  it('answers NIL data for a message expunged before its body is read', async () => {
    const readMessages = fx.store.readMessages.bind(fx.store);
    vi.spyOn(fx.store, 'readMessages').mockImplementation(async (u, m, uids, max) => {
      await fx.store.expunge(alice.id, view.mailboxId, { uids: [3], force: true });
      return readMessages(u, m, uids, max);
    });
    const outcome = await run([whole]);
    // Issue 13 item 4: still in the session's view, so NIL data and OK [EXPUNGEISSUED], as Dovecot answers.
    expect(outcome.result).toMatchObject({ status: 'OK', code: 'EXPUNGEISSUED' });
    expect(writes.join('').match(/^\* \d+ FETCH/gm)).toHaveLength(5);
    expect(writes.join('')).toContain('* 3 FETCH (UID 3 BODY[] NIL)\r\n');
  });
});
