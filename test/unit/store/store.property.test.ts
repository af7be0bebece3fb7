// Property (SPEC R9.3, RFC 9051 §2.3.1.1): after any random sequence of store operations, check() finds no
// problem, and every mailbox's UIDs stay ascending, below UIDNEXT, and never reused.
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { isStoreError } from '../../../src/store/errors.js';
import type { FlagMode } from '../../../src/store/types.js';
import { describeBackends, storeOf, type BackendFixture } from './backends.js';
import { checkProblems } from './backend-sql.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

const op = fc.oneof(
  fc.record({ kind: fc.constant('deliver' as const), users: fc.array(fc.nat(3), { minLength: 1, maxLength: 3 }), tls: fc.boolean(), seen: fc.boolean(), size: fc.nat(200) }),
  fc.record({ kind: fc.constant('append' as const), user: fc.nat(), box: fc.nat(), tls: fc.boolean(), size: fc.nat(200) }),
  fc.record({ kind: fc.constantFrom('copy' as const, 'move' as const), user: fc.nat(), from: fc.nat(), to: fc.nat(), picks: fc.array(fc.nat(), { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('flags' as const), user: fc.nat(), box: fc.nat(), mode: fc.constantFrom<FlagMode>('add', 'remove', 'replace'), flags: fc.subarray(['\\Seen', '\\Deleted', '\\Flagged', 'Work', '$Junk']), picks: fc.array(fc.nat(), { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('expunge' as const), user: fc.nat(), box: fc.nat(), force: fc.boolean(), picks: fc.option(fc.array(fc.nat(), { maxLength: 3 })) }),
  fc.record({ kind: fc.constant('create' as const), user: fc.nat(), name: fc.constantFrom('A', 'A/B', 'C', 'C/D/E') }),
  fc.record({ kind: fc.constant('delete' as const), user: fc.nat(), box: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), user: fc.nat(), box: fc.nat(), to: fc.constantFrom('R', 'R/S', 'T', 'A/Z') }),
  // Issue 13 item 17: by name, so that \Noselect placeholders (not in listMailboxes) are deleted and renamed too.
  fc.record({ kind: fc.constant('deleteName' as const), user: fc.nat(), name: fc.constantFrom('A', 'C', 'C/D', 'A/B', 'R') }),
  fc.record({ kind: fc.constant('renameName' as const), user: fc.nat(), name: fc.constantFrom('A', 'C', 'C/D', 'R'), to: fc.constantFrom('R', 'T', 'A/Z', 'C/X') }),
  fc.record({ kind: fc.constant('quota' as const), user: fc.nat(), bytes: fc.option(fc.nat(2000)) }),
  fc.record({ kind: fc.constant('deleteUser' as const), user: fc.nat() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function apply(fx: BackendFixture, userIds: number[], o: Op): Promise<void> {
  const s = storeOf(fx);
  if (o.kind === 'deliver') {
    await s.deliver(delivery('x'.repeat(o.size), o.users.map((i) => userIds[i] ?? 0), { requireTls: o.tls }));
    return;
  }
  const user = pick(userIds, o.user);
  if (user === undefined) return;
  const boxes = await s.listMailboxes(user);
  const boxAt = (n: number) => pick(boxes, n);
  const uidsOf = async (boxId: number, picks: readonly number[]) => {
    const uids = await s.listUids(user, boxId);
    return picks.map((p) => pick(uids, p)).filter((u): u is number => u !== undefined);
  };
  switch (o.kind) {
    case 'append': {
      const box = boxAt(o.box);
      if (box) await s.append(user, box.id, { raw: Buffer.alloc(o.size, 'a'), requireTls: o.tls });
      return;
    }
    case 'copy':
    case 'move': {
      const from = boxAt(o.from);
      const to = boxAt(o.to);
      if (from && to) await s[o.kind](user, from.id, await uidsOf(from.id, o.picks), to.id);
      return;
    }
    case 'flags': {
      const box = boxAt(o.box);
      if (box) await s.setFlags(user, box.id, await uidsOf(box.id, o.picks), o.mode, o.flags);
      return;
    }
    case 'expunge': {
      const box = boxAt(o.box);
      if (!box) return;
      const uids = o.picks === null ? undefined : await uidsOf(box.id, o.picks);
      await s.expunge(user, box.id, uids === undefined ? {} : { uids, force: o.force });
      return;
    }
    case 'create':
      await s.createMailbox(user, o.name);
      return;
    case 'delete': {
      const box = boxAt(o.box);
      if (box) await s.deleteMailbox(user, box.name);
      return;
    }
    case 'rename': {
      const box = boxAt(o.box);
      if (box) await s.renameMailbox(user, box.name, o.to);
      return;
    }
    case 'deleteName':
      await s.deleteMailbox(user, o.name);
      return;
    case 'renameName':
      await s.renameMailbox(user, o.name, o.to);
      return;
    case 'quota':
      await s.setQuota(user, o.bytes);
      return;
    case 'deleteUser':
      await s.deleteUser(user);
      userIds.splice(userIds.indexOf(user), 1);
      return;
  }
}

/** Every check the backend has: SQLite's check() with its integrity check, PostgreSQL's counters and refcounts. */
async function problems(fx: BackendFixture): Promise<unknown[]> {
  return fx.backend === 'sqlite' ? (await fx.store.check({ integrity: true })).problems : checkProblems(fx);
}

describeBackends('the store under random operation sequences', (open, backend) => {
  // A fresh PostgreSQL database per run costs more than a SQLite file: there, the runs of one property share a
  // database, each with users of its own (the checks cover the whole database).
  let shared: BackendFixture | null = null;
  let run = 0;
  const openRun = async (): Promise<{ fx: BackendFixture; tag: string; done(): Promise<void> }> => {
    const tag = String(run++);
    if (backend !== 'postgres') {
      const fx = await open();
      return { fx, tag, done: () => fx.cleanup() };
    }
    shared ??= await open();
    return { fx: shared, tag, done: async () => undefined };
  };
  afterEach(async () => {
    await shared?.cleanup();
    shared = null;
  });

  it('always passes check(), and UIDs are never reused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const { fx, tag, done } = await openRun();
        try {
          const userIds: number[] = [];
          for (const name of ['u0', 'u1', 'u2']) userIds.push((await fx.store.createUser(`${name}-${tag}`, CREDENTIALS)).id);
          const highest = new Map<number, number>();
          for (const o of ops) {
            try {
              await apply(fx, userIds, o);
            } catch (err) {
              if (!isStoreError(err)) throw err;
            }
            for (const userId of userIds) {
              // Each \Noselect placeholder has a mailbox below it, is not itself a mailbox, and is never INBOX.
              const names = (await fx.store.listMailboxes(userId)).map((b) => b.name);
              for (const placeholder of await fx.store.listNoselect(userId)) {
                expect(names).not.toContain(placeholder);
                expect(names.some((n) => n.startsWith(`${placeholder}/`)), placeholder).toBe(true);
                expect(placeholder).not.toBe('INBOX');
              }
              for (const box of await fx.store.listMailboxes(userId)) {
                const uids = await fx.store.listUids(userId, box.id);
                const last = uids[uids.length - 1] ?? 0;
                expect(box.uidNext).toBeGreaterThan(last);
                expect(box.uidNext).toBeGreaterThanOrEqual(highest.get(box.id) ?? 1);
                expect(uids).toEqual([...uids].sort((a, b) => a - b));
                highest.set(box.id, box.uidNext);
              }
            }
          }
          expect(await problems(fx)).toEqual([]);
        } finally {
          await done();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  // Issue 13 item 17: CREATE / DELETE / RENAME over a small hierarchy keep the \Noselect placeholders exact.
  const NAMES = ['A', 'A/B', 'A/B/C', 'D', 'D/E'] as const;
  const hierarchyOp = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom(...NAMES) }),
    fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
    fc.record({ kind: fc.constant('rename' as const), name: fc.constantFrom(...NAMES), to: fc.constantFrom('X', 'X/Y', 'A/B/Z', 'D/F', 'A') }),
  );

  it('keeps every \\Noselect name above a mailbox, never a mailbox itself, and gone with its last inferior', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hierarchyOp, { minLength: 1, maxLength: 20 }), async (ops) => {
        const { fx, tag, done } = await openRun();
        try {
          const user = (await fx.store.createUser(`h-${tag}`, CREDENTIALS)).id;
          for (const o of ops) {
            try {
              if (o.kind === 'create') await fx.store.createMailbox(user, o.name);
              else if (o.kind === 'delete') await fx.store.deleteMailbox(user, o.name);
              else await fx.store.renameMailbox(user, o.name, o.to);
            } catch (err) {
              if (!isStoreError(err)) throw err;
            }
            const names = (await fx.store.listMailboxes(user)).map((b) => b.name);
            for (const placeholder of await fx.store.listNoselect(user)) {
              expect(names).not.toContain(placeholder);
              expect(names.some((n) => n.startsWith(`${placeholder}/`)), placeholder).toBe(true);
            }
            // Every mailbox's parents are listed: as mailboxes or as \Noselect names.
            const listed = new Set([...names, ...(await fx.store.listNoselect(user))]);
            for (const n of names) {
              const levels = n.split('/');
              for (let i = 1; i < levels.length; i++) expect(listed.has(levels.slice(0, i).join('/')), n).toBe(true);
            }
          }
        } finally {
          await done();
        }
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
