// Issue 13 items 9 and 15 over a real socket: atom-special mailbox names (RFC 3501 §9 atom, §5.1.3 modified
// UTF-7) are answered NO, never BAD or a dropped connection; LIST joins reference and pattern as RFC 3501
// §6.3.8 says and matches INBOX case-insensitively (§5.1), as Dovecot 2.3 does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
/** Every atom-special-free printable character that is not a letter (RFC 3501 §9 ATOM-CHAR). */
const ATOMS = "!#$&'+,-.0123456789:;<=>?@^_`|}";

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

async function login(boxes: string[] = []): Promise<RawImap> {
  const name = `names${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  for (const box of boxes) await t.server.store.createMailbox(id, box);
  const c = await RawImap.open(t.port('imap', 0));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return c;
}

/** The names of the `* LIST` lines of a reply, as sent. */
function listed(untagged: string): string[] {
  return [...untagged.matchAll(/^\* LIST \([^)]*\) "\/" (.*)$/gm)].map((m) => m[1]!);
}

describe('item 9: atom-special mailbox names', () => {
  it('SELECT of a missing all-atom-specials name is NO [NONEXISTENT], and LIST of it with wildcards answers', async () => {
    const c = await login();
    try {
      expect((await c.cmd(`SELECT ${ATOMS}`)).tagged).toMatch(/^t\d+ NO \[NONEXISTENT\] /);
      const l = await c.cmd(`LIST "" ${ATOMS}%*`);
      expect(l.tagged).toMatch(/^t\d+ OK /);
      expect(listed(l.untagged)).toEqual([]);
      expect((await c.cmd('NOOP')).tagged).toMatch(/ OK /);
    } finally {
      c.close();
    }
  });

  it('invalid modified UTF-7 is NO (not BAD), never counts toward the bad-command limit, and is never created', async () => {
    const c = await login();
    try {
      for (let i = 0; i < 12; i++) {
        expect((await c.cmd('CREATE "Tom & Jerry"')).tagged).toMatch(/^t\d+ NO /);
        expect((await c.cmd('CREATE &2D0-')).tagged).toMatch(/^t\d+ NO /); // a lone high surrogate
        expect((await c.cmd('CREATE &3AA-')).tagged).toMatch(/^t\d+ NO /); // a lone low surrogate
        expect((await c.cmd('SELECT "Tom & Jerry"')).tagged).toMatch(/^t\d+ NO \[NONEXISTENT\] /);
      }
      expect(c.isClosed).toBe(false);
      const before = listed((await c.cmd('LIST "" *')).untagged);
      expect(before.filter((n) => n.includes('&') || n.includes('Tom'))).toEqual([]);
      // A valid pair is fine: U+1F600 is &2D3eAA-.
      expect((await c.cmd('CREATE &2D3eAA-')).tagged).toMatch(/ OK /);
      expect(listed((await c.cmd('LIST "" *')).untagged)).toEqual([...before, '&2D3eAA-']);
    } finally {
      c.close();
    }
  });

  it('a mailbox whose name is made of atom-specials (written "&-" for "&") is created, selected and listed', async () => {
    const c = await login();
    const wire = ATOMS.replace('&', '&-');
    try {
      expect((await c.cmd(`CREATE ${wire}`)).tagged).toMatch(/ OK /);
      expect((await c.cmd(`SELECT ${wire}`)).tagged).toMatch(/ OK /);
      expect(listed((await c.cmd(`LIST "" ${wire}%*`)).untagged)).toEqual([wire]);
    } finally {
      c.close();
    }
  });
});

describe('item 15: LIST joins reference and pattern (RFC 3501 §6.3.8) and INBOX is case-insensitive (§5.1)', () => {
  const BOXES = ['a', 'a/b', 'ab', 'INBOX/x', 'INBOX/y/z'];

  it.each<[string, string[]]>([
    ['"a" "%"', ['a', 'ab']], // "a" + "%" = "a%": no delimiter inserted
    ['"a" "*"', ['a', 'a/b', 'ab']],
    ['"a/" "%"', ['a/b']],
    ['"a" "/%"', ['a/b']], // a leading delimiter does not discard the reference
    ['"" "a/%"', ['a/b']],
    ['"" "inbox/%"', ['INBOX/x', 'INBOX/y']],
    ['"" "Inbox/*"', ['INBOX/x', 'INBOX/y', 'INBOX/y/z']],
    ['"inbox" "/%"', ['INBOX/x', 'INBOX/y']],
    ['"inbox/" "%"', ['INBOX/x', 'INBOX/y']],
    ['"INBOX/" "y/%"', ['INBOX/y/z']],
    ['"inbox" "%"', ['INBOX']],
    ['"" "inbox"', ['INBOX']],
    ['"" "inboxes/%"', []],
  ])('LIST %s', async (args, expected) => {
    const c = await login(BOXES);
    try {
      const l = await c.cmd(`LIST ${args}`);
      expect(l.tagged).toMatch(/ OK /);
      expect(listed(l.untagged)).toEqual(expected);
    } finally {
      c.close();
    }
  });

  it('LSUB follows the same rules', async () => {
    const c = await login(BOXES);
    try {
      for (const box of BOXES) expect((await c.cmd(`SUBSCRIBE ${box}`)).tagged).toMatch(/ OK /);
      const lsub = async (args: string): Promise<string[]> =>
        [...(await c.cmd(`LSUB ${args}`)).untagged.matchAll(/^\* LSUB \([^)]*\) "\/" (.*)$/gm)].map((m) => m[1]!);
      expect(await lsub('"a" "%"')).toEqual(['a', 'ab']);
      expect(await lsub('"inbox/" "%"')).toEqual(['INBOX/x', 'INBOX/y']);
      expect(await lsub('"" "inbox/y/%"')).toEqual(['INBOX/y/z']);
    } finally {
      c.close();
    }
  });
});
