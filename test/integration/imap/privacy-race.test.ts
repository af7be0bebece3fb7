// SPEC R3.4, issue 12 hole 3: a load test of the REQUIRETLS race. Many cleartext sessions keep opening and
// reading one mailbox — pipelined SELECT/EXAMINE + FETCH + SEARCH, STATUS, IDLE — while it is made protected,
// each round in one of three ways: a REQUIRETLS delivery over the LMTP Unix socket (committed by the ingest
// thread: four rounds in six), or COPY or MOVE of a REQUIRETLS message into it by a TLS session. Every octet each cleartext socket
// receives is kept; none may carry a protected message's marker, nor a count or UIDNEXT that includes it.
// Bounded: at most ROUNDS rounds and BUDGET_MS of hammering (then the rounds run so far are checked).
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/sasl/passwords.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
limits: { maxConnectionsPerUser: 200, maxConnectionsPerIp: 400 }
lmtp: { detailMailbox: true, verify: false }
`;
const USER = 'hammer@example.org';
const PASSWORD = 'hammer-pw';
/** Cleartext sessions hammering at once. */
const SESSIONS = 16;
const ROUNDS = 1000;
const BUDGET_MS = 25_000;
/** Pipelined batches one session sends per round before it gives up waiting for the protection. */
const MAX_BATCHES = 60;
/** Ordinary messages in each round's mailbox: every count a cleartext session sees must be at most this. */
const BASELINE = 2;
const MARK = 'PROTECTED-MARKER';

let t: TestServer;
let userId: number;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  userId = await t.addUser(USER, PASSWORD);
  // A cheap scrypt (N=16) so that the many cleartext logins cost nothing; SCRAM keys as usual.
  const salt = randomBytes(16);
  const hash = scryptSync(PASSWORD, salt, 32, { N: 16, r: 8, p: 1 });
  const creds = await hashPassword(PASSWORD);
  await t.server.store.setCredentials(userId, { ...creds, scrypt: `scrypt$16$8$1$${salt.toString('base64')}$${hash.toString('base64')}` });
  await t.server.store.createMailbox(userId, 'Vault');
}, 60_000);
afterAll(() => t.stop());

function protectedBody(marker: string): string {
  return `From: s@sender.example\r\nSubject: ${marker}\r\nMessage-ID: <${createHash('sha1').update(marker).digest('hex')}@sender.example>\r\n\r\n${marker} body\r\n`;
}

/** Every cleartext connection ever opened, for the final check. */
const cleartext: RawImap[] = [];

async function cleartextLogin(): Promise<RawImap> {
  const c = await RawImap.open(t.port('imap', 0));
  cleartext.push(c);
  const r = await c.cmd(`LOGIN ${USER} ${PASSWORD}`);
  if (!r.tagged?.includes(' OK ')) throw new Error(`cleartext login failed: ${r.tagged}`);
  return c;
}

type Kind = 'select' | 'examine' | 'status' | 'idle';
/** What each session does: mostly opening the mailbox (where the window was), and some STATUS and IDLE. */
const KINDS: Kind[] = ['select', 'examine', 'select', 'examine', 'select', 'examine', 'select', 'status', 'examine', 'select', 'examine', 'select', 'examine', 'select', 'examine', 'idle'];
/** SELECT/EXAMINE pipelined in one batch. */
const OPENS = 12;
const PROTECTED = /PRIVACYREQUIRED/;

/** One pipelined batch; true once this session has been refused or closed for privacy (or the round is over). */
async function batch(c: RawImap, kind: Kind, box: string): Promise<boolean> {
  const tags: string[] = [];
  const line = (cmd: string): string => {
    const tag = c.nextTag();
    tags.push(tag);
    return `${tag} ${cmd}\r\n`;
  };
  if (kind === 'status') {
    c.write(line(`STATUS ${box} (MESSAGES UIDNEXT UNSEEN SIZE DELETED)`) + line(`STATUS ${box} (MESSAGES UIDNEXT)`));
  } else if (kind === 'idle') {
    c.write(line(`SELECT ${box}`));
    const idleTag = c.nextTag();
    c.write(`${idleTag} IDLE\r\n`);
    const sel = await c.reply(tags.shift()!);
    if (sel.tagged === null) return true;
    const selectRefused = PROTECTED.test(sel.tagged);
    const cont = await c.untilLine((l) => l.startsWith('+ ') || l.startsWith(`${idleTag} `));
    if (cont.line === null) return true;
    if (cont.line.startsWith('+ ')) {
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      c.write('DONE\r\n');
      if ((await c.reply(idleTag)).tagged === null) return true;
    }
    c.write(line('FETCH 1:* (FLAGS ENVELOPE BODY.PEEK[])') + line('NOOP'));
    if (selectRefused) {
      for (const tag of tags) if ((await c.reply(tag)).tagged === null) return true;
      return true;
    }
  } else {
    // Many opens in a row (each one a chance to catch the delivery between two reads), then reads of what the
    // last one opened: an open that took the new message in shows it in its EXISTS; a FETCH would show its bytes.
    const [first, second] = kind === 'select' ? ['SELECT', 'EXAMINE'] : ['EXAMINE', 'SELECT'];
    let opens = '';
    for (let i = 0; i < OPENS; i++) opens += line(`${i % 2 === 0 ? first : second} ${box}`);
    c.write(opens + line('FETCH 1:* (FLAGS ENVELOPE BODY.PEEK[])') + line('UID SEARCH TEXT body') + line('NOOP'));
  }
  let refused = false;
  for (const tag of tags) {
    const r = await c.reply(tag);
    if (r.tagged === null) return true; // BYE [PRIVACYREQUIRED]: checked with everything else at the end
    if (PROTECTED.test(r.tagged)) refused = true;
  }
  return refused;
}

interface Slot {
  kind: Kind;
  c: RawImap | null;
}

/**
 * Makes the round's mailbox protected in one of three ways; resolves once it is. `go` is called at the moment the
 * protecting write is sent, so that the sessions' bursts of opens meet its commit.
 */
async function protect(round: number, box: string, lmtp: SmtpClient, tls: RawImap, go: () => void): Promise<void> {
  const marker = `${MARK}-${round}-${randomBytes(4).toString('hex')}`;
  const way = round % 6; // 0-3: LMTP (the race of the ingest thread), 4: COPY, 5: MOVE
  if (way <= 3) {
    // R3.1: REQUIRETLS is offered on the Unix socket; the ingest thread commits it.
    expect((await lmtp.cmd('MAIL FROM:<s@sender.example> REQUIRETLS')).code).toBe(250);
    expect((await lmtp.cmd(`RCPT TO:<hammer+${box}@example.org>`)).code).toBe(250);
    expect((await lmtp.cmd('DATA')).code).toBe(354);
    lmtp.write(dotStuffed(protectedBody(marker)));
    go();
    expect((await lmtp.reply()).code).toBe(250);
    return;
  }
  const [result] = await t.server.store.deliver({
    body: Buffer.from(protectedBody(marker)),
    recipients: [{ userId, mailbox: 'Vault', prefix: Buffer.alloc(0) }],
    internalDate: new Date(),
    requireTls: true,
    tlsRequiredNo: false,
    forgedFields: 0,
  });
  if (!result?.ok) throw new Error('delivery into Vault failed');
  expect((await tls.cmd('NOOP')).tagged).toMatch(/ OK /);
  const verb = way === 4 ? 'COPY' : 'MOVE';
  go();
  expect((await tls.cmd(`UID ${verb} ${result.uid} ${box}`)).tagged).toMatch(/ OK /);
}

describe('REQUIRETLS race under load (R3.4)', () => {
  it('no byte of a protected message, nor its count, ever reaches a cleartext socket', async () => {
    const lmtp = await SmtpClient.connect({ path: t.unixPath('lmtp') });
    await lmtp.reply();
    await lmtp.cmd('LHLO mta.test');
    const tls = await RawImap.open(t.port('imap', 1), true);
    expect((await tls.cmd(`LOGIN ${USER} ${PASSWORD}`)).tagged).toMatch(/ OK /);
    expect((await tls.cmd('SELECT Vault')).tagged).toMatch(/ OK /);

    const slots: Slot[] = Array.from({ length: SESSIONS }, (_, i) => ({ kind: KINDS[i % KINDS.length]!, c: null }));
    const begun = Date.now();
    let rounds = 0;
    let refusals = 0;
    for (let round = 0; round < ROUNDS && Date.now() - begun < BUDGET_MS; round++) {
      const box = `R${round}`;
      await t.server.store.createMailbox(userId, box);
      for (let i = 0; i < BASELINE; i++) {
        await t.server.store.deliver({
          body: Buffer.from(`From: a@b.example\r\nSubject: ordinary ${i}\r\n\r\nordinary body\r\n`),
          recipients: [{ userId, mailbox: box, prefix: Buffer.alloc(0) }],
          internalDate: new Date(),
          requireTls: false,
          tlsRequiredNo: false,
          forgedFields: 0,
        });
      }
      // Each session opens the mailbox once (logging in again first if it was sent BYE), then waits; when the
      // protecting write goes out, all of them send bursts until each has been refused or sent BYE.
      let ready = 0;
      let allReady: () => void = () => undefined;
      const everyoneReady = new Promise<void>((resolve) => (allReady = resolve));
      let go: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (go = resolve));
      const hammer = slots.map(async (slot) => {
        try {
          if (slot.c === null || slot.c.isClosed) slot.c = await cleartextLogin();
          if (await batch(slot.c, slot.kind, box)) {
            refusals += 1;
            return;
          }
        } finally {
          if (++ready === SESSIONS) allReady();
        }
        await started;
        for (let n = 0; n < MAX_BATCHES; n++) {
          if (slot.c === null || slot.c.isClosed) slot.c = await cleartextLogin();
          if (await batch(slot.c, slot.kind, box)) {
            refusals += 1;
            return;
          }
        }
      });
      await everyoneReady;
      await protect(round, box, lmtp, tls, go);
      await Promise.all(hammer);
      rounds += 1;
    }
    lmtp.close();
    tls.close();
    console.log(`privacy race: ${rounds} rounds in ${Date.now() - begun} ms, ${cleartext.length} cleartext connections, ${refusals} refusals`);
    for (const c of cleartext) c.close();

    // The test raced for real: rounds ran and cleartext sessions ran into the protection.
    expect(rounds).toBeGreaterThanOrEqual(8);
    expect(refusals).toBeGreaterThan((rounds * SESSIONS) / 2);
    for (const c of cleartext) {
      const got = c.received;
      expect(got).not.toContain(MARK);
      for (const m of got.matchAll(/\* (\d+) EXISTS/g)) expect(Number(m[1])).toBeLessThanOrEqual(BASELINE);
      for (const m of got.matchAll(/MESSAGES (\d+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(BASELINE);
      for (const m of got.matchAll(/UIDNEXT (\d+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(BASELINE + 1);
      for (const m of got.matchAll(/DELETED (\d+)/g)) expect(Number(m[1])).toBe(0);
    }
  }, 60_000);
});
