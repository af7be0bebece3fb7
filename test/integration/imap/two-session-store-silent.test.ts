// Two raw IMAP sessions on one mailbox over real sockets (issue 13 item 3): STORE .SILENT suppresses only the
// echo of the session's own change, never another session's (RFC 3501 §6.4.6); non-silent STORE reports the
// merged flags once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let userId = 0;
let mailboxN = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: 'auth: { failureDelayMs: 0, scramIterations: 4096, allowPlaintextWithoutTls: true }' });
  userId = await t.addUser('alice@example.org', 'pw-alice');
}, 60_000);
afterAll(() => t.stop());

/** A fresh mailbox holding `count` small messages, selected by two sessions A and B. */
let a: RawImap;
let b: RawImap;
let box = '';
beforeEach(async () => {
  box = `Sync${++mailboxN}`;
  a = await RawImap.open(t.port('imap'));
  b = await RawImap.open(t.port('imap'));
  for (const c of [a, b]) expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
  expect((await a.cmd(`CREATE ${box}`)).tagged).toMatch(/OK/);
  for (let k = 1; k <= 4; k++) {
    const msg = `Subject: m${k}\r\n\r\nbody ${k}\r\n`;
    a.write(`a${k} APPEND ${box} {${msg.length}+}\r\n${msg}\r\n`);
    expect((await a.reply(`a${k}`)).tagged).toMatch(/OK/);
  }
  for (const c of [a, b]) expect((await c.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
  return () => {
    a.close();
    b.close();
  };
});

/** The `* n FETCH (...)` lines of a reply (literals left in place), each `FLAGS (...)` list parsed. */
function fetches(untagged: string): Array<{ seq: number; line: string; flags: string[] | null }> {
  return [...untagged.matchAll(/^\* (\d+) FETCH (.*)$/gm)].map((m) => {
    const f = /FLAGS \(([^)]*)\)/.exec(m[2]!);
    return { seq: Number(m[1]), line: m[2]!, flags: f ? f[1]!.split(' ').filter((x) => x !== '').sort() : null };
  });
}

describe('STORE .SILENT and flag changes made by another session (issue 13 item 3)', () => {
  it('reports the full current flags when another session changed the message first', async () => {
    expect((await b.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    const silent = await a.cmd('STORE 1 +FLAGS.SILENT (\\Seen)');
    expect(silent.tagged).toMatch(/OK/);
    expect(fetches(silent.untagged)).toEqual([expect.objectContaining({ seq: 1, flags: ['\\Flagged', '\\Seen'] })]);
    // Reported once: nothing left pending for the next command.
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('also with UID STORE, and only for the messages another session changed', async () => {
    expect((await b.cmd('STORE 2 +FLAGS (\\Answered)')).tagged).toMatch(/OK/);
    const silent = await a.cmd('UID STORE 1:4 +FLAGS.SILENT (\\Seen)');
    expect(silent.tagged).toMatch(/OK/);
    const got = fetches(silent.untagged);
    expect(got.map((f) => f.seq)).toEqual([2]);
    expect(got[0]!.flags).toEqual(['\\Answered', '\\Seen']);
    expect(got[0]!.line).toMatch(/UID 2\b/);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });

  it('stays silent about the session’s own change when nobody else changed the message', async () => {
    const silent = await a.cmd('STORE 3 +FLAGS.SILENT (\\Seen)');
    expect(fetches(silent.untagged)).toEqual([]);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
    // Another session's change already announced to A is not repeated by A's later silent STORE.
    expect((await b.cmd('STORE 4 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([expect.objectContaining({ seq: 4, flags: ['\\Flagged'] })]);
    expect(fetches((await a.cmd('STORE 4 +FLAGS.SILENT (\\Seen)')).untagged)).toEqual([]);
  });

  it('a later change by another session survives A’s silent STORE of the same message', async () => {
    // B's change lands while A's STORE is in flight: pipelined so that both are processed together.
    b.write('b1 STORE 1 +FLAGS (\\Draft)\r\n');
    a.write('s1 STORE 1 +FLAGS.SILENT (\\Seen)\r\n');
    expect((await b.reply('b1')).tagged).toMatch(/OK/);
    const silent = await a.reply('s1');
    const noop = await a.cmd('NOOP');
    const seen = fetches(silent.untagged + noop.untagged);
    // Whatever the order, A ends up told the full flags (\Draft \Seen) exactly as the store has them.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[seen.length - 1]!.flags).toEqual(['\\Draft', '\\Seen']);
  });

  it('non-silent STORE reports the merged flags once, with the other session’s change included', async () => {
    expect((await b.cmd('STORE 2 +FLAGS (\\Draft)')).tagged).toMatch(/OK/);
    const loud = await a.cmd('STORE 2 +FLAGS (\\Seen)');
    expect(fetches(loud.untagged)).toEqual([expect.objectContaining({ seq: 2, flags: ['\\Draft', '\\Seen'] })]);
    expect(fetches((await a.cmd('NOOP')).untagged)).toEqual([]);
  });
});
