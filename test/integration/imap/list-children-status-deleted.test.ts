// Over a real socket (issue 13 item 8): LIST's \HasChildren / \HasNoChildren on a deep tree with many names
// (RFC 3348 §3), and STATUS (DELETED) (RFC 9051 §6.3.11) after STORE ±FLAGS \Deleted, COPY, MOVE and EXPUNGE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let c: RawImap;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('alice@example.org', 'pw-alice');
  c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
}, 60_000);
afterAll(async () => {
  c.close();
  await t.stop();
});

async function ok(command: string): Promise<string> {
  const r = await c.cmd(command);
  expect(r.tagged, command).toMatch(/^t\d+ OK/);
  return r.untagged;
}

describe('LIST \\HasChildren on a deep tree', () => {
  it('marks exactly the names that have inferiors', async () => {
    const leaves: string[] = [];
    for (let i = 0; i < 6; i++) leaves.push(`Tree${i}/a/b/c/d/e/leaf${i}`, `Tree${i}/a/b/x${i}`, `Tree${i}y`);
    for (const leaf of leaves) await ok(`CREATE "${leaf}"`); // parents created on the way (RFC 9051 §6.3.4)
    const untagged = await ok('LIST "" "Tree*"');
    const listed = new Map([...untagged.matchAll(/^\* LIST \(([^)]*)\) "\/" "?([^"\r\n]*)"?$/gm)].map((m) => [m[2]!, m[1]!]));
    const names = [...listed.keys()];
    expect(names.length).toBe(6 * 9);
    for (const [name, attrs] of listed) {
      const parent = names.some((o) => o.startsWith(`${name}/`));
      expect({ name, attrs }).toEqual({ name, attrs: parent ? '\\HasChildren' : '\\HasNoChildren' });
    }
  });
});

describe('STATUS (DELETED)', () => {
  it('follows STORE ±FLAGS \\Deleted, COPY, MOVE and EXPUNGE', async () => {
    await ok('CREATE Del');
    await ok('CREATE Del2');
    for (let k = 1; k <= 5; k++) {
      const msg = `Subject: d${k}\r\n\r\nbody ${k}\r\n`;
      c.write(`a${k} APPEND Del {${msg.length}+}\r\n${msg}\r\n`);
      expect((await c.reply(`a${k}`)).tagged).toMatch(/OK/);
    }
    const status = async (box: string): Promise<number> => {
      const m = /DELETED (\d+)/.exec(await ok(`STATUS ${box} (MESSAGES DELETED)`));
      return Number(m?.[1]);
    };
    await ok('SELECT Del');
    await ok('STORE 1:3 +FLAGS (\\Deleted)');
    expect([await status('Del'), await status('Del2')]).toEqual([3, 0]);
    await ok('STORE 3 -FLAGS (\\Deleted)');
    expect(await status('Del')).toBe(2);
    await ok('COPY 1:4 Del2');
    expect([await status('Del'), await status('Del2')]).toEqual([2, 2]);
    await ok('MOVE 2 Del2');
    expect([await status('Del'), await status('Del2')]).toEqual([1, 3]);
    await ok('EXPUNGE');
    expect([await status('Del'), await status('Del2')]).toEqual([0, 3]);
    await ok('SELECT Del2');
    await ok('STORE 1:* FLAGS (\\Seen)');
    expect(await status('Del2')).toBe(0);
  });
});
