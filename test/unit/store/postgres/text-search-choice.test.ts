// SEARCH BODY/TEXT on the PostgreSQL store chooses between the trigram index and the mailbox's own texts
// (text-search.ts indexedMatches; issue 18, SPEC R7.4): whichever way, the answer is the same — a rare word in a
// large mailbox (the index), a word common across the database (more bodies than the mailbox has messages: the
// mailbox's texts), a needle without a trigram, a small mailbox, and bodies shared with another mailbox or user.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';
import { CREDENTIALS, delivery } from '../store-fixture.js';

const ALICE_MESSAGES = 240; // above INDEX_FIRST_FROM (200)

describe.skipIf(!pgAvailable)('PostgreSQL text search: index first or mailbox first, one answer', () => {
  let db: TestDatabase;
  let store: PostgresStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, poolSize: 4 });
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  it('finds the same messages whichever way it looks', { timeout: 120_000 }, async () => {
    const alice = await store.createUser('alice', CREDENTIALS);
    const bob = await store.createUser('bob', CREDENTIALS);
    const text = (i: number): string =>
      `Subject: note ${i}\r\n\r\nordinary words here${i % 60 === 7 ? ' quetzal' : ''}${i % 3 === 0 ? ' zebrafinch' : ''} ab${i}\r\n`;
    // Bob's mail first (stored, and so scanned, before Alice's): "zebrafinch" in more bodies than Alice has
    // messages (her search must not stop at the first ones the index finds); one quetzal of his own.
    for (let i = 1; i <= ALICE_MESSAGES + 20; i++) await store.deliver(delivery(`Subject: b${i}\r\n\r\nzebrafinch ${i === 5 ? 'quetzal' : ''}\r\n`, [bob.id]));
    for (let i = 1; i <= ALICE_MESSAGES; i++) await store.deliver(delivery(text(i), [alice.id]));
    const inbox = await store.getMailbox(alice.id, 'INBOX');
    const archive = await store.createMailbox(alice.id, 'Kept');
    await store.copy(alice.id, inbox.id, [7], archive.id); // a body shared by two of Alice's mailboxes

    const expected = (test: (i: number) => boolean): number[] => Array.from({ length: ALICE_MESSAGES }, (_, k) => k + 1).filter(test);
    // Rare in the database: the index.
    expect(await store.searchText(alice.id, inbox.id, 'QUETZAL', 'body')).toEqual(expected((i) => i % 60 === 7));
    // More bodies hold it than Alice has messages (Bob's): her mailbox's texts.
    expect(await store.searchText(alice.id, inbox.id, 'zebrafinch', 'body')).toEqual(expected((i) => i % 3 === 0));
    // In every text of hers: as many bodies as messages.
    expect(await store.searchText(alice.id, inbox.id, 'ordinary words', 'text')).toEqual(expected(() => true));
    // No trigram in the needle: her mailbox's texts.
    expect(await store.searchText(alice.id, inbox.id, 'ab', 'body')).toEqual(expected(() => true));
    expect(await store.searchText(alice.id, inbox.id, 'ab7', 'body')).toEqual(expected((i) => String(i).startsWith('7')));
    // The header too with TEXT; a small mailbox; the shared body counted once per mailbox; Bob's never Alice's.
    expect(await store.searchText(alice.id, inbox.id, 'note 13', 'text')).toEqual([13, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139]);
    expect(await store.searchText(alice.id, archive.id, 'quetzal', 'body')).toEqual([1]);
    const bobInbox = await store.getMailbox(bob.id, 'INBOX');
    expect(await store.searchText(bob.id, bobInbox.id, 'quetzal', 'body')).toEqual([5]);
  });
});
