// Flags as stored (RFC 9051 §2.3.2, §6.4.6) and setFlags with UNCHANGEDSINCE (RFC 7162 §3.1.3).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import { isStoreError } from '../../../src/store/errors.js';
import { applyFlags, flagList, normalizeFlags } from '../../../src/store/sqlite/flags.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS } from './store-fixture.js';

describe('normalizeFlags', () => {
  it('matches system flags case-insensitively and stores them canonically', () => {
    expect(normalizeFlags(['\\SEEN', '\\deleted', '\\Seen'])).toEqual({ system: 1 | 8, keywords: [] });
    expect(flagList(1 | 8, '')).toEqual(['\\Deleted', '\\Seen']);
  });

  it('keeps keywords sorted and unique case-insensitively, first spelling winning', () => {
    expect(normalizeFlags(['Work', '$Junk', 'work', 'A'])).toEqual({ system: 0, keywords: ['$Junk', 'A', 'Work'] });
  });

  it('refuses \\Recent, unknown system flags and keywords that are not atoms', () => {
    for (const bad of ['\\Recent', '\\Bogus', '', 'two words', 'a(b', 'q"', 'x]', 'a%', 'a*', 'b{', 'ctl\u0001', 'é', 'k'.repeat(129)]) {
      let err: unknown = null;
      try {
        normalizeFlags([bad]);
      } catch (e) {
        err = e;
      }
      expect(isStoreError(err, 'invalid-name'), bad).toBe(true);
      expect((err as Error).message).toContain(JSON.stringify(bad));
    }
  });

  it('applies add, remove and replace', () => {
    const current = { system: 1, keywords: 'Alpha Beta' };
    expect(applyFlags(current, 'add', normalizeFlags(['\\Flagged', 'beta', 'Gamma']))).toEqual({ system: 5, keywords: 'Alpha Beta Gamma' });
    expect(applyFlags(current, 'remove', normalizeFlags(['\\Seen', 'ALPHA']))).toEqual({ system: 0, keywords: 'Beta' });
    expect(applyFlags(current, 'replace', normalizeFlags(['\\Draft']))).toEqual({ system: 16, keywords: '' });
  });
});

describeBackends('setFlags', (open) => {
  let fx: BackendFixture;
  let user: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    user = await fx.store.createUser('u', CREDENTIALS);
    inbox = await fx.store.getMailbox(user.id, 'INBOX');
    for (let i = 0; i < 3; i++) await fx.store.append(user.id, inbox.id, { raw: Buffer.from(`m${i}\r\n`) });
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('returns only messages whose flags changed, each with the new modseq, and keeps unseen in step', async () => {
    await fx.store.setFlags(user.id, inbox.id, [1], 'add', ['\\Seen']);
    const before = await fx.store.getMailbox(user.id, 'INBOX');
    expect(before.unseen).toBe(2);
    const changes: MailboxChange[] = [];
    fx.store.changes.subscribe(inbox.id, (c) => changes.push(c));
    const result = await fx.store.setFlags(user.id, inbox.id, [1, 2, 3, 99], 'add', ['\\seen']);
    const modseq = before.highestModseq + 1;
    expect(result).toEqual({
      changed: [
        { uid: 2, flags: ['\\Seen'], modseq },
        { uid: 3, flags: ['\\Seen'], modseq },
      ],
      modified: [],
    });
    expect(changes).toEqual([
      { kind: 'flags', mailboxId: inbox.id, uid: 2, flags: ['\\Seen'], modseq },
      { kind: 'flags', mailboxId: inbox.id, uid: 3, flags: ['\\Seen'], modseq },
    ]);
    const after = await fx.store.getMailbox(user.id, 'INBOX');
    expect(after).toMatchObject({ unseen: 0, highestModseq: modseq });
    const metas = await fx.store.listMessages(user.id, inbox.id);
    expect(metas.map((m) => m.modseq)).toEqual([before.highestModseq, modseq, modseq]);
    const noop = await fx.store.setFlags(user.id, inbox.id, [1, 2, 3], 'add', ['\\Seen']);
    expect(noop).toEqual({ changed: [], modified: [] });
    expect((await fx.store.getMailbox(user.id, 'INBOX')).highestModseq).toBe(modseq);
    await fx.store.setFlags(user.id, inbox.id, [2], 'replace', ['Keyword']);
    expect((await fx.store.getMailbox(user.id, 'INBOX')).unseen).toBe(1);
  });

  it('honours UNCHANGEDSINCE: newer messages are reported modified and left alone', async () => {
    const [m1] = await fx.store.listMessages(user.id, inbox.id, [{ from: 1, to: 1 }]);
    const since = m1?.modseq ?? 0;
    await fx.store.setFlags(user.id, inbox.id, [3], 'add', ['$Important']);
    const result = await fx.store.setFlags(user.id, inbox.id, [1, 3], 'add', ['\\Flagged'], { unchangedSince: since });
    expect(result.modified).toEqual([3]);
    expect(result.changed.map((c) => c.uid)).toEqual([1]);
    const flags = (await fx.store.listMessages(user.id, inbox.id)).map((m) => m.flags);
    expect(flags).toEqual([['\\Flagged'], [], ['$Important']]);
  });

  it('refuses bad flags without changing anything', async () => {
    const before = await fx.store.getMailbox(user.id, 'INBOX');
    await expect(fx.store.setFlags(user.id, inbox.id, [1], 'add', ['\\Seen', 'bad flag'])).rejects.toSatisfy((e) =>
      isStoreError(e, 'invalid-name'),
    );
    expect(await fx.store.getMailbox(user.id, 'INBOX')).toEqual(before);
  });
});
