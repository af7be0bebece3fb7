// Issue 16 item 4 over real sockets: a server with `metrics.listen` on a loopback port, real traffic (imapflow
// logins ok and failed, an IMAP SELECT refused by R3.4, POP3 logins, nodemailer LMTP deliveries with forged
// Authentication-Results and one with REQUIRETLS over implicit TLS, unknown commands), then a scrape of
// /metrics read by a strict exposition parser and every family checked with its value; /health for a load
// balancer, 200 "ok" while all is well and 503 with the reason when a listener is down.
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../support/imap-raw.js';
import { Pop3Client } from '../support/pop3-client.js';
import { parseExposition, sampleValue, type PromFamily } from '../support/prom-text.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let base: string;
const ids: Record<string, number> = {};

const FORGED = [
  'Authentication-Results: mx.test.example; dkim=pass header.d=bank.example',
  'Authentication-Results: (forged) "MX.Test.Example" 1; spf=pass',
  'Authentication-Results: other.example; spf=fail smtp.mailfrom=x@y.example',
  'From: Carol <carol@sender.example>',
  'Subject: forged',
  '',
  'Body.',
  '',
].join('\r\n');

const SECRET = ['From: s@sender.example', 'Subject: secret', '', 'For TLS eyes only.', ''].join('\r\n');

async function scrape(): Promise<{ text: string; families: Map<string, PromFamily>; type: string | null }> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, families: parseExposition(text), type: res.headers.get('content-type') };
}

/** Sum of a family's samples whose labels include `labels`. */
function total(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, '')) ?? families.get(name);
  return (family?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function imapLogin(user: string, pass: string): Promise<ImapFlow> {
  const client = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
  await client.connect();
  return client;
}

beforeAll(async () => {
  t = await startTestServer({
    auth: PLAINTEXT_AUTH,
    listeners: `listeners:
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: starttls }
`,
    yaml: 'metrics: { listen: "127.0.0.1:0" }\n',
  });
  for (const name of ['alice', 'bob', 'carol']) ids[name] = await t.addUser(`${name}@example.org`, `pw-${name}`);
  ids.dave = await t.addUser('dave@example.org', 'pw-dave', 10); // over quota at once: a permanent failure
  const port = t.server.metricsEndpoint?.port;
  if (port === undefined) throw new Error('the metrics endpoint did not start');
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => t.stop());

describe('metrics endpoint', () => {
  it('counts real traffic in every family', async () => {
    // LMTP: forged fields to alice and bob (stored), dave over quota (5xx); REQUIRETLS to carol over implicit TLS.
    const plain = nodemailer.createTransport({ host: '127.0.0.1', port: t.port('lmtp', 0), lmtp: true, secure: false, ignoreTLS: true, name: 'mta.test.example' });
    const first = await plain.sendMail({ envelope: { from: 'carol@sender.example', to: ['alice@example.org', 'bob@example.org', 'dave@example.org'] }, raw: FORGED });
    expect(first.accepted.sort()).toEqual(['alice@example.org', 'bob@example.org']);
    const secure = nodemailer.createTransport({ host: '127.0.0.1', port: t.port('lmtp', 1), lmtp: true, secure: true, tls: { rejectUnauthorized: false }, name: 'mta.test.example' });
    const second = await secure.sendMail({ envelope: { from: 's@sender.example', to: ['carol@example.org'] }, raw: SECRET, requireTLSExtensionEnabled: true } as nodemailer.SendMailOptions);
    expect(second.accepted).toEqual(['carol@example.org']);

    // IMAP: a login that works, one that fails, and carol's cleartext SELECT refused (R3.4); an unknown command.
    const ok = await imapLogin('alice@example.org', 'pw-alice');
    await ok.mailboxOpen('INBOX');
    await ok.logout();
    await expect(imapLogin('alice@example.org', 'wrong')).rejects.toThrow();
    const raw = await RawImap.open(t.port('imap'));
    expect((await raw.cmd('LOGIN carol@example.org pw-carol')).tagged).toMatch(/ OK /);
    expect((await raw.cmd('SELECT INBOX')).tagged).toMatch(/ NO \[PRIVACYREQUIRED\]/);
    expect((await raw.cmd('FROBNICATE alice@example.org')).tagged).toMatch(/ BAD /);
    await raw.cmd('LOGOUT');

    // POP3: bob logs in; carol's maildrop is refused without TLS (R3.4); an unknown command.
    const pop = await Pop3Client.open(t.port('pop3'));
    expect((await pop.login('bob@example.org', 'pw-bob')).ok).toBe(true);
    expect((await pop.cmd('XYZZY')).ok).toBe(false);
    await pop.cmd('QUIT');
    pop.close();
    const refused = await Pop3Client.open(t.port('pop3'));
    expect((await refused.login('carol@example.org', 'pw-carol')).line).toMatch(/^-ERR \[SYS\/PERM\]/);
    refused.close();

    // Sessions end on the server a moment after the clients hang up: wait (bounded) for the gauges to settle.
    let m = await scrape();
    for (let i = 0; i < 100 && total(m.families, 'postern_connections_open') + total(m.families, 'postern_text_index_backlog_bodies') > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      m = await scrape();
    }
    const f = m.families;
    expect(m.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [name, type] of Object.entries({
      postern_connections_open: 'gauge',
      postern_connections_total: 'counter',
      postern_logins_total: 'counter',
      postern_deliveries_total: 'counter',
      postern_delivered_bytes_total: 'counter',
      postern_requiretls_messages_stored_total: 'counter',
      postern_requiretls_cleartext_refusals_total: 'counter',
      postern_forged_authentication_results_removed_total: 'counter',
      postern_command_duration_seconds: 'histogram',
      postern_store_database_bytes: 'gauge',
      postern_store_messages: 'gauge',
      postern_store_bodies: 'gauge',
      postern_text_index_backlog_bodies: 'gauge',
      postern_process_resident_memory_bytes: 'gauge',
      postern_process_heap_used_bytes: 'gauge',
      postern_process_heap_total_bytes: 'gauge',
      postern_uptime_seconds: 'gauge',
    })) {
      expect(f.get(name)?.type, name).toBe(type);
      expect(f.get(name)?.help.length, name).toBeGreaterThan(10);
    }

    // Connections: 2 LMTP (one per sendMail), 3 IMAP, 2 POP3; all closed now.
    for (const [protocol, n] of [['lmtp', 2], ['imap', 3], ['pop3', 2]] as const) {
      expect(sampleValue(f, 'postern_connections_total', { protocol }), protocol).toBe(n);
      expect(sampleValue(f, 'postern_connections_open', { protocol }), protocol).toBe(0);
    }
    // Logins: IMAP 2 ok (alice, carol) and 1 failed whatever mechanism imapflow chose; POP3 USER/PASS 2 ok.
    expect(total(f, 'postern_logins_total', { protocol: 'imap', result: 'ok' })).toBe(2);
    expect(total(f, 'postern_logins_total', { protocol: 'imap', result: 'failed' })).toBe(1);
    expect(sampleValue(f, 'postern_logins_total', { protocol: 'imap', mechanism: 'PASSWORD', result: 'ok' })).toBeGreaterThanOrEqual(1); // raw LOGIN
    expect(sampleValue(f, 'postern_logins_total', { protocol: 'pop3', mechanism: 'PASSWORD', result: 'ok' })).toBe(2);
    for (const s of f.get('postern_logins_total')!.samples) expect(['PASSWORD', 'PLAIN', 'LOGIN', 'SCRAM-SHA-256', 'EXTERNAL']).toContain(s.labels.mechanism);

    // Deliveries per recipient, the bytes of each stored body once per recipient, REQUIRETLS, forged fields.
    expect(sampleValue(f, 'postern_deliveries_total', { result: 'ok' })).toBe(3);
    expect(sampleValue(f, 'postern_deliveries_total', { result: 'perm' })).toBe(1);
    expect(sampleValue(f, 'postern_deliveries_total', { result: 'temp' })).toBe(0);
    const store = t.sqlite();
    let bytes = 0;
    for (const name of ['alice', 'bob', 'carol']) {
      const inbox = await store.getMailbox(ids[name]!, 'INBOX');
      for (const msg of await store.listMessages(ids[name]!, inbox.id)) {
        bytes += (store.db.prepare('SELECT size FROM bodies WHERE id = ?').get(msg.bodyId) as { size: number }).size;
      }
    }
    expect(sampleValue(f, 'postern_delivered_bytes_total')).toBe(bytes);
    expect(sampleValue(f, 'postern_requiretls_messages_stored_total')).toBe(1);
    expect(sampleValue(f, 'postern_forged_authentication_results_removed_total')).toBe(2);
    expect(sampleValue(f, 'postern_requiretls_cleartext_refusals_total', { protocol: 'imap' })).toBe(1);
    expect(sampleValue(f, 'postern_requiretls_cleartext_refusals_total', { protocol: 'pop3' })).toBe(1);

    // Command latency: known verbs by name, unknown ones as "other".
    const count = (protocol: string, command: string): number => total(f, 'postern_command_duration_seconds_count', { protocol, command });
    expect(count('lmtp', 'LHLO')).toBe(2);
    expect(count('lmtp', 'DATA')).toBe(2);
    expect(count('lmtp', 'RCPT')).toBe(4);
    expect(count('imap', 'SELECT')).toBe(2);
    expect(count('imap', 'other')).toBe(1);
    expect(count('pop3', 'PASS')).toBe(2);
    expect(count('pop3', 'other')).toBe(1);
    const labels = new Set(f.get('postern_command_duration_seconds')!.samples.map((s) => s.labels.command));
    expect([...labels].every((c) => c === 'other' || /^[A-Z]+$/.test(c ?? ''))).toBe(true);
    expect(m.text).not.toMatch(/example\.org|127\.0\.0\.1/); // nothing per user or per address
    expect(total(f, 'postern_command_duration_seconds_bucket', { protocol: 'lmtp', command: 'DATA', le: '+Inf' })).toBe(2);

    // Store size and the text-index backlog, as the store reports them.
    const size = store.size();
    expect(sampleValue(f, 'postern_store_messages')).toBe(3);
    expect(size.messages).toBe(3);
    expect(sampleValue(f, 'postern_store_bodies')).toBe(2);
    expect(sampleValue(f, 'postern_store_database_bytes')).toBe(size.databaseBytes);
    expect(size.databaseBytes).toBeGreaterThan(0);
    const backlog = store.textIndexBacklog();
    expect(sampleValue(f, 'postern_text_index_backlog_bodies')).toBe(backlog.stored - backlog.indexed);
    expect(sampleValue(f, 'postern_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(sampleValue(f, 'postern_process_heap_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(f, 'postern_uptime_seconds')).toBeGreaterThan(0);
  });

  it('answers only GET or HEAD on /metrics and /health', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(`${base}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('/health is 200 "ok" while all is well, and 503 naming a listener that is down', async () => {
    const healthy = await fetch(`${base}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.text()).toBe('ok\n');
    const pop3 = t.server.listeners.find((l) => l.config.protocol === 'pop3')!.listener;
    await pop3.close({ graceMs: 0 });
    const down = await fetch(`${base}/health`);
    expect(down.status).toBe(503);
    expect(await down.text()).toMatch(/^not listening: pop3 127\.0\.0\.1:\d+ \(starttls\)\n$/);
  });
});
