// RFC 1939 §5, §7, §8 and SPEC R8.2: the session maildrop: fixed numbers, marks, RSET, STAT counts, UIDL ids.
import { describe, expect, it } from 'vitest';
import { Maildrop, uniqueId } from '../../../src/pop3/maildrop.js';
import { capabilities } from '../../../src/pop3/capabilities.js';
import { MaildropLocks } from '../../../src/pop3/locks.js';

const drop = (): Maildrop => new Maildrop(7, 1234, [{ uid: 3, size: 10 }, { uid: 5, size: 20 }, { uid: 9, size: 30 }]);

describe('Maildrop', () => {
  it('numbers messages from 1 in UID order, and counts octets of those not marked', () => {
    const d = drop();
    expect(d.stat()).toEqual({ count: 3, octets: 60 });
    expect(d.mark(2)).toBe(true);
    expect(d.mark(2)).toBe(false);
    expect(d.stat()).toEqual({ count: 2, octets: 40 });
    expect(d.get(2)).toEqual({ ok: false, why: 'deleted' });
    expect(d.get(4)).toEqual({ ok: false, why: 'no-such-message' });
    expect(d.get(0)).toEqual({ ok: false, why: 'no-such-message' });
    expect(d.live().map((m) => m.msg)).toEqual([1, 3]);
    expect(d.markedUids()).toEqual([5]);
    d.reset();
    expect(d.markedUids()).toEqual([]);
    expect(d.stat()).toEqual({ count: 3, octets: 60 });
  });

  it('unique-ids follow UIDVALIDITY and UID, within RFC 1939 §7 limits', () => {
    const d = drop();
    const m = d.get(3);
    expect(m.ok && d.uniqueId(m.message)).toBe('1234.9');
    expect(uniqueId(4294967295, 4294967295)).toMatch(/^[\x21-\x7e]{1,70}$/);
    expect(uniqueId(1, 23)).not.toBe(uniqueId(12, 3));
  });

  it('refuses a snapshot that is not in ascending UID order', () => {
    expect(() => new Maildrop(1, 1, [{ uid: 5, size: 1 }, { uid: 3, size: 1 }])).toThrow(/ascending/);
  });
});

describe('MaildropLocks (R8.2)', () => {
  it('one owner per user; release only by the owner', async () => {
    const l = new MaildropLocks();
    expect(await l.acquire(1, 'a')).toBe(true);
    expect(await l.acquire(1, 'b')).toBe(false);
    l.release(1, 'b');
    expect(l.isLocked(1)).toBe(true);
    l.release(1, 'a');
    expect(await l.acquire(1, 'b')).toBe(true);
    expect(await l.acquire(2, 'a')).toBe(true);
  });

  it("across processes: refused when the store's lock is held elsewhere, and released through it", async () => {
    const elsewhere = new Set<number>([7]);
    const calls: string[] = [];
    const shared = {
      lockMaildrop: async (u: number) => {
        calls.push(`lock ${u}`);
        return !elsewhere.has(u);
      },
      unlockMaildrop: async (u: number) => {
        calls.push(`unlock ${u}`);
      },
    };
    const l = new MaildropLocks(shared);
    expect(await l.acquire(7, 'a')).toBe(false);
    expect(l.isLocked(7)).toBe(false); // nothing held here after a refusal
    const [first, second] = await Promise.all([l.acquire(8, 'a'), l.acquire(8, 'b')]);
    expect([first, second]).toEqual([true, false]); // the second session here is refused while the first waits
    l.release(8, 'a');
    await Promise.resolve();
    expect(calls).toEqual(['lock 7', 'lock 8', 'unlock 8']);
  });
});

describe('CAPA list (RFC 2449, R4.2, R5.3)', () => {
  const base = { authservId: 'mx.example', tlsActive: false, stlsAvailable: true, userAllowed: false, mechanisms: ['SCRAM-SHA-256'], transaction: false };
  it('AUTHSERV bare before login, with the id after', () => {
    expect(capabilities(base)).toContain('AUTHSERV');
    expect(capabilities({ ...base, transaction: true })).toContain('AUTHSERV mx.example');
    expect(capabilities({ ...base, transaction: true })).not.toContain('AUTHSERV');
  });
  it('USER only when allowed; STLS only before TLS', () => {
    expect(capabilities(base)).not.toContain('USER');
    expect(capabilities(base)).toContain('STLS');
    const tls = capabilities({ ...base, tlsActive: true, userAllowed: true });
    expect(tls).toContain('USER');
    expect(tls).not.toContain('STLS');
  });
});
