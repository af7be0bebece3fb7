// Chunked body storage (migrations/0005, src/store/sqlite/body-bytes.ts; issue 12 item 13): a body above
// CHUNK_BYTES is stored as chunks and read back by byte range exactly as sent, shared by its recipients, freed
// with its last message, audited by checkStore, and its text indexed from its text parts only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BodyReader, CHUNK_BYTES } from '../../../src/store/sqlite/body-bytes.js';
import type { User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { checkProblems, sqlRows } from './backend-sql.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

describeBackends('chunked bodies', (open, backend) => {
  let fx: BackendFixture;
  let alice: User;
  let bob: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    bob = await fx.store.createUser('bob', CREDENTIALS);
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const SIZE = 3 * CHUNK_BYTES + 12_345;

  /** A text/plain message of `size` octets whose every octet depends on its offset. */
  function bigMessage(size: number, word = 'zebrafinch'): Buffer {
    const header = Buffer.from(`From: a@example.org\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n${word} `);
    const out = Buffer.alloc(size);
    header.copy(out);
    for (let i = header.length; i < size; i++) out[i] = i % 78 === 77 ? 0x0a : 0x61 + (i % 26);
    return out;
  }

  function chunkRows(): Promise<Array<{ body_id: number; n: number }>> {
    return sqlRows(fx, 'SELECT body_id, COUNT(*) AS n FROM body_chunks GROUP BY body_id ORDER BY body_id');
  }

  describe('chunked bodies', () => {
    it('stores a large body as chunks, once for all recipients, and serves it whole and by range', async () => {
      const body = bigMessage(SIZE);
      await fx.store.deliver({ ...delivery('', [alice.id, bob.id]), body });
      expect(await chunkRows()).toEqual([{ body_id: 1, n: 4 }]);
      expect(await sqlRows(fx, 'SELECT length(bytes) AS inline, chunk_bytes FROM bodies')).toEqual([{ inline: 0, chunk_bytes: CHUNK_BYTES }]);
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const prefix = Buffer.from(`Delivered-To: user${alice.id}\r\n`);
      const served = Buffer.concat([prefix, body]);
      expect((await fx.store.readMessage(alice.id, inbox.id, 1)).equals(served)).toBe(true);
      const [many] = await fx.store.readMessages(alice.id, inbox.id, [1], 1);
      expect(many!.body.equals(body)).toBe(true);
      const across = { offset: prefix.length + CHUNK_BYTES - 10, length: CHUNK_BYTES + 20 };
      const part = await fx.store.readMessage(alice.id, inbox.id, 1, across);
      expect(part.equals(served.subarray(across.offset, across.offset + across.length))).toBe(true);
      expect(await checkProblems(fx)).toEqual([]);
    });

    it.skipIf(backend !== 'sqlite')('reads any byte range of a chunked body exactly (property)', async () => {
      const body = bigMessage(SIZE);
      await fx.store.deliver({ ...delivery('', [alice.id]), body });
      if (fx.backend !== 'sqlite') return;
      const reader = new BodyReader(fx.store.db);
      fc.assert(
        fc.property(fc.integer({ min: -5, max: SIZE + 5 }), fc.integer({ min: 0, max: 2 * CHUNK_BYTES }), (start, length) => {
          const got = reader.read(1, start, start + length)!;
          const from = Math.min(Math.max(0, start), SIZE);
          expect(got.equals(body.subarray(from, Math.max(from, Math.min(SIZE, start + length))))).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('serves any byte range of a chunked message exactly, through the Store (property)', async () => {
      const body = bigMessage(SIZE);
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      await fx.store.append(alice.id, inbox.id, { raw: body });
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: SIZE + 5 }), fc.integer({ min: 0, max: 2 * CHUNK_BYTES }), async (offset, length) => {
          const got = await fx.store.readMessage(alice.id, inbox.id, 1, { offset, length });
          const from = Math.min(offset, SIZE);
          expect(got.equals(body.subarray(from, Math.max(from, Math.min(SIZE, offset + length))))).toBe(true);
        }),
        { numRuns: 100 },
      );
    });

    it('parses a chunked body stored without its structure a window at a time, never reading it whole (issue 17 item 4)', async () => {
      const body = bigMessage(SIZE);
      await fx.store.deliver({ ...delivery('', [alice.id]), body });
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const expected = (await fx.store.messageStructures(alice.id, inbox.id, [1])).get(1)!.mime;
      await sqlRows(fx, 'DELETE FROM body_structures'); // as a store from before migration 0002 holds it
      const read = vi.spyOn(BodyReader.prototype, 'read');
      try {
        const again = (await fx.store.messageStructures(alice.id, inbox.id, [1])).get(1)!.mime;
        expect(again).toEqual(expected);
        if (fx.backend !== 'sqlite') return; // the reads' own test covers PostgreSQL's ranged backfill
        const widest = Math.max(...read.mock.calls.map(([, start = 0, end = Number.MAX_SAFE_INTEGER]) => Math.min(end, SIZE) - Math.max(0, start)));
        expect(widest).toBeLessThanOrEqual(CHUNK_BYTES);
      } finally {
        read.mockRestore();
      }
    });

    it('stores a spooled body (head in memory, the rest in a file) read by range, as if it had been in memory (issue 17 item 4)', async () => {
      const body = bigMessage(SIZE);
      const headLength = 40;
      const tmp = mkdtempSync(join(tmpdir(), 'postern-spool-'));
      try {
        const path = join(tmp, 'spool');
        writeFileSync(path, Buffer.concat([Buffer.from('junk before'), body.subarray(headLength), Buffer.from('junk after')]));
        const spooled = { head: body.subarray(0, headLength), path, offset: 'junk before'.length, length: SIZE - headLength };
        await fx.store.deliver({ ...delivery('', [alice.id]), body: spooled });
        const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
        await fx.store.appendAll(alice.id, inbox.id, [{ raw: spooled }, { raw: Buffer.from('Subject: small\r\n\r\nx\r\n') }]);
        const prefix = Buffer.from(`Delivered-To: user${alice.id}\r\n`);
        expect((await fx.store.readMessage(alice.id, inbox.id, 1)).equals(Buffer.concat([prefix, body]))).toBe(true);
        expect((await fx.store.readMessage(alice.id, inbox.id, 2)).equals(body)).toBe(true);
        expect(await chunkRows()).toEqual([
          { body_id: expect.any(Number), n: 4 },
          { body_id: expect.any(Number), n: 4 },
        ]);
        expect((await fx.store.messageStructures(alice.id, inbox.id, [1, 2])).get(2)!.mime).toEqual(
          (await fx.store.messageStructures(alice.id, inbox.id, [1])).get(1)!.mime,
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('frees the chunks with the last message that refers to the body', async () => {
      await fx.store.deliver({ ...delivery('', [alice.id, bob.id]), body: bigMessage(SIZE) });
      for (const user of [alice, bob]) {
        const inbox = await fx.store.getMailbox(user.id, 'INBOX');
        expect((await chunkRows()).length).toBe(1);
        await fx.store.expunge(user.id, inbox.id, { uids: [1], force: true });
      }
      expect(await chunkRows()).toEqual([]);
      expect(await checkProblems(fx)).toEqual([]);
    });

    it.skipIf(backend !== 'sqlite')('checkStore names a missing, a short and an orphan chunk', async () => {
      if (fx.backend !== 'sqlite') return;
      await fx.store.deliver({ ...delivery('', [alice.id]), body: bigMessage(SIZE) });
      fx.store.db.exec('DELETE FROM body_chunks WHERE seq = 3');
      fx.store.db.exec('UPDATE body_chunks SET bytes = substr(bytes, 1, 10) WHERE seq = 1');
      fx.store.db.exec("INSERT INTO body_chunks (body_id, seq, bytes) VALUES (99, 0, X'00')");
      await fx.store.deliver(delivery('small\r\n', [alice.id]));
      fx.store.db.exec("INSERT INTO body_chunks (body_id, seq, bytes) VALUES (2, 0, X'00')"); // body 2 is stored inline
      const { problems } = await fx.store.check();
      expect(problems).toContain(`body 1: size is ${SIZE}, expected ${3 * CHUNK_BYTES - CHUNK_BYTES + 10}`);
      expect(problems).toContain(`body 1: 1 chunk(s) before the last are not ${CHUNK_BYTES} octets`);
      expect(problems).toContain('2 body chunk(s) belong to no chunked body');
      await fx.store.check({ repair: true });
      expect(await chunkRows()).toEqual([{ body_id: 1, n: 3 }]);
    });

    it('indexes the text of a chunked body from its text parts, and SEARCH finds it', async () => {
      await fx.store.deliver({ ...delivery('', [alice.id]), body: bigMessage(SIZE, 'quokkafjord') });
      await fx.store.deliver(delivery('Subject: small\r\n\r\nnothing here\r\n', [alice.id]));
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      expect(await fx.store.searchText(alice.id, inbox.id, 'quokkafjord', 'body')).toEqual([1]);
      expect(await fx.store.searchText(alice.id, inbox.id, 'subject: big', 'text')).toEqual([1]);
    });
  });
});
