// Two raw IMAP sessions, A and B, on one fresh mailbox of one user, for the two-session sync tests (issue 13):
// a server per test file, a new mailbox holding four small messages (none \Recent) before each test, both
// sessions selecting it.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { RawImap } from './imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from './server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

export interface TwoSessions {
  t: TestServer;
  userId: number;
  a: RawImap;
  b: RawImap;
  /** The mailbox both have selected. */
  box: string;
}

/** Registers the hooks; the returned object's fields are current inside each test (and later beforeEach hooks). */
export function useTwoSessions(): TwoSessions {
  const s = {} as TwoSessions;
  let mailboxN = 0;
  beforeAll(async () => {
    s.t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
    s.userId = await s.t.addUser('alice@example.org', 'pw-alice');
  }, 60_000);
  afterAll(() => s.t.stop());
  beforeEach(async () => {
    s.box = `Sync${++mailboxN}`;
    s.a = await RawImap.open(s.t.port('imap'));
    s.b = await RawImap.open(s.t.port('imap'));
    for (const c of [s.a, s.b]) expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
    expect((await s.a.cmd(`CREATE ${s.box}`)).tagged).toMatch(/OK/);
    for (let k = 1; k <= 4; k++) {
      const msg = `Subject: m${k}\r\n\r\nbody ${k}\r\n`;
      s.a.write(`a${k} APPEND ${s.box} {${msg.length}+}\r\n${msg}\r\n`);
      expect((await s.a.reply(`a${k}`)).tagged).toMatch(/OK/);
    }
    // A first SELECT takes the \Recent of the four (RFC 3501 §2.3.2), so that neither session's view has any.
    expect((await s.a.cmd(`SELECT ${s.box}`)).tagged).toMatch(/OK/);
    expect((await s.a.cmd('CLOSE')).tagged).toMatch(/OK/);
    for (const c of [s.a, s.b]) expect((await c.cmd(`SELECT ${s.box}`)).tagged).toMatch(/OK/);
    return () => {
      s.a.close();
      s.b.close();
    };
  });
  return s;
}

/** The `* n FETCH (...)` lines of a reply (literals left in place), each `FLAGS (...)` list parsed. */
export function fetches(untagged: string): Array<{ seq: number; line: string; flags: string[] | null }> {
  return [...untagged.matchAll(/^\* (\d+) FETCH (.*)$/gm)].map((m) => {
    const f = /FLAGS \(([^)]*)\)/.exec(m[2]!);
    return { seq: Number(m[1]), line: m[2]!, flags: f ? f[1]!.split(' ').filter((x) => x !== '').sort() : null };
  });
}
