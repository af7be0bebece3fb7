// R10.3, R6.3: the `postern` command end to end, as a child process against a temporary home.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/sasl/passwords.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempHome, type TempHome } from '../../support/cli.js';

let home: TempHome;
beforeAll(() => {
  home = tempHome('hostname: test.example\nlisteners: []\nauth: { scramIterations: 4096 }\n');
});
afterAll(() => home.cleanup());

const dbPath = (): string => join(home.dir, 'data/postern.sqlite');

describe('postern user', () => {
  it('adds a user with the default mailboxes, reading the password from stdin', async () => {
    const added = await home.run(['user', 'add', 'alice@example.org'], 'correct horse\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/alice@example.org added/);

    const boxes = await home.run(['mailbox', 'list', 'alice@example.org']);
    expect(boxes.code).toBe(0);
    const lines = boxes.stdout.trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['INBOX', 'Archive', 'Drafts', 'Junk', 'Sent', 'Trash']);
    expect(boxes.stdout).toMatch(/^Sent\t.*\\Sent subscribed$/m);
    expect(boxes.stdout).toMatch(/^Archive\t.*\\Archive subscribed$/m);
  });

  it('stores an scrypt hash and SCRAM keys, never the password', async () => {
    const db = readFileSync(dbPath());
    expect(db.includes(Buffer.from('correct horse'))).toBe(false);
    const store = await openSqliteStore({ path: dbPath() });
    try {
      const user = await store.findUser('ALICE@example.org');
      expect(user?.credentials.scrypt).toMatch(/^scrypt\$/);
      expect(user?.credentials.scramSha256.iterations).toBe(4096);
      expect(await verifyPassword('correct horse', user!.credentials.scrypt)).toBe(true);
      expect(await verifyPassword('wrong', user!.credentials.scrypt)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('refuses a duplicate, a bad name, and an empty password', async () => {
    const dup = await home.run(['user', 'add', 'alice@example.org'], 'x\n');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const bad = await home.run(['user', 'add', 'bad name'], 'x\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid user name/);
    const empty = await home.run(['user', 'add', 'bob'], '\n');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty password/);
  });

  it('changes a password', async () => {
    expect((await home.run(['user', 'passwd', 'alice@example.org'], 'battery staple\n')).code).toBe(0);
    const store = await openSqliteStore({ path: dbPath() });
    try {
      const user = await store.findUser('alice@example.org');
      expect(await verifyPassword('battery staple', user!.credentials.scrypt)).toBe(true);
      expect(await verifyPassword('correct horse', user!.credentials.scrypt)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('sets and shows quotas, and lists users', async () => {
    expect((await home.run(['quota', 'set', 'alice@example.org', '1M'])).code).toBe(0);
    const shown = await home.run(['quota', 'show', 'alice@example.org']);
    expect(shown.stdout).toMatch(/^limit: 1048576 \(1\.0 MiB\)$/m);
    const list = await home.run(['user', 'list']);
    expect(list.stdout).toMatch(/^alice@example.org\t0 messages\t0 B\tquota 1\.0 MiB$/m);
    expect((await home.run(['quota', 'set', 'alice@example.org', 'none'])).code).toBe(0);
    expect((await home.run(['quota', 'show', 'alice@example.org'])).stdout).toMatch(/^limit: none$/m);
  });

  it('creates and deletes mailboxes', async () => {
    const created = await home.run(['mailbox', 'create', 'alice@example.org', 'Lists/Postfix', '--special-use', 'Flagged']);
    expect(created.code).toBe(0);
    const list = await home.run(['mailbox', 'list', 'alice@example.org']);
    expect(list.stdout).toMatch(/^Lists\t/m);
    expect(list.stdout).toMatch(/^Lists\/Postfix\t.*\\Flagged/m);
    expect((await home.run(['mailbox', 'delete', 'alice@example.org', 'Lists/Postfix'])).code).toBe(0);
    expect((await home.run(['mailbox', 'delete', 'alice@example.org', 'INBOX'])).code).toBe(1);
  });

  it('renames, subscribes and unsubscribes a mailbox; a missing one is an error', async () => {
    expect((await home.run(['mailbox', 'create', 'alice@example.org', 'Projects'])).code).toBe(0);
    const renamed = await home.run(['mailbox', 'rename', 'alice@example.org', 'Projects', 'Work/Projects']);
    expect(renamed.stderr).toBe('');
    expect(renamed.stdout).toMatch(/Projects of alice@example.org renamed to Work\/Projects/);
    expect((await home.run(['mailbox', 'unsubscribe', 'alice@example.org', 'Work/Projects'])).code).toBe(0);
    expect((await home.run(['mailbox', 'list', 'alice@example.org'])).stdout).toMatch(/^Work\/Projects\t[^\n]*\t$/m);
    expect((await home.run(['mailbox', 'subscribe', 'alice@example.org', 'Work/Projects'])).code).toBe(0);
    expect((await home.run(['mailbox', 'list', 'alice@example.org'])).stdout).toMatch(/^Work\/Projects\t.*subscribed$/m);
    expect((await home.run(['mailbox', 'rename', 'alice@example.org', 'Nope', 'Other'])).code).toBe(1);
    expect((await home.run(['mailbox', 'rename', 'alice@example.org', 'Work/Projects'])).code).toBe(2);
    expect((await home.run(['mailbox', 'delete', 'alice@example.org', 'Work/Projects'])).code).toBe(0);
  });

  it('takes a special use with one backslash, none, or two (as a shell passes \\\\All on when quoted)', async () => {
    for (const [name, use] of [['A1', '\\All'], ['A2', 'all'], ['A3', '\\\\All']]) {
      const created = await home.run(['mailbox', 'create', 'alice@example.org', name!, '--special-use', use!]);
      expect(created.stderr, use).toBe('');
      expect((await home.run(['mailbox', 'list', 'alice@example.org'])).stdout).toMatch(new RegExp(`^${name}\t.*\\\\All`, 'm'));
      expect((await home.run(['mailbox', 'delete', 'alice@example.org', name!])).code).toBe(0);
    }
    expect((await home.run(['mailbox', 'create', 'alice@example.org', 'A4', '--special-use', 'Bogus'])).code).toBe(2);
  });

  it('deletes a user', async () => {
    expect((await home.run(['user', 'add', 'carol'], 'pw\n')).code).toBe(0);
    expect((await home.run(['user', 'delete', 'carol', '--yes'])).code).toBe(0);
    expect((await home.run(['user', 'list'])).stdout).not.toMatch(/^carol/m);
    const again = await home.run(['user', 'delete', 'carol', '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no such user: carol/);
  });
});

describe('postern check and backup', () => {
  it('check is clean on a consistent store', async () => {
    const res = await home.run(['check']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/no problems/);
  });

  it('check finds counters and reference counts corrupted on purpose, and --repair fixes them', async () => {
    const store = await openSqliteStore({ path: dbPath() });
    try {
      const alice = await store.findUser('alice@example.org');
      const body = Buffer.from('Subject: hi\r\n\r\nhello\r\n');
      const results = await store.deliver({
        body,
        recipients: [{ userId: alice!.id, prefix: Buffer.from('Delivered-To: alice@example.org\r\n') }],
        internalDate: new Date(),
        requireTls: true,
        tlsRequiredNo: false,
        forgedFields: 0,
      });
      expect(results[0]?.ok).toBe(true);
      store.db.prepare("UPDATE mailboxes SET messages = messages + 3, requiretls_messages = 0 WHERE name = 'INBOX'").run();
      store.db.prepare('UPDATE bodies SET refcount = refcount + 1').run();
    } finally {
      await store.close();
    }
    const found = await home.run(['check']);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/INBOX.*alice@example\.org|alice@example\.org.*INBOX/);
    expect(found.stdout).toMatch(/messages/);
    expect(found.stdout).toMatch(/REQUIRETLS|requiretls/i);
    expect(found.stdout).toMatch(/refcount|reference/i);
    expect(found.stdout).toMatch(/--repair/);

    const repaired = await home.run(['check', '--repair']);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/repaired/);
    const clean = await home.run(['check']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no problems/);
    const boxes = await home.run(['mailbox', 'list', 'alice@example.org']);
    expect(boxes.stdout).toMatch(/^INBOX\t1 messages\t1 unseen\t.*\t1 REQUIRETLS/m);
  });

  it('backup writes a copy that is itself a consistent store', async () => {
    const file = join(home.dir, 'backup.sqlite');
    const res = await home.run(['backup', file]);
    expect(res.code).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(0);
    const store = await openSqliteStore({ path: file });
    try {
      expect((await store.findUser('alice@example.org'))?.name).toBe('alice@example.org');
    } finally {
      await store.close();
    }
    const again = await home.run(['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists/);
  });
});

describe('postern cert', () => {
  it('makes a CA, a server certificate and client certificates that verify against the CA', async () => {
    const dir = join(home.dir, 'local-ca');
    const res = await home.run(['cert', '--dir', dir, '--hostname', 'mail.test.example', '--client', 'alice@example.org', '--client', 'bob']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    const server = new X509Certificate(readFileSync(join(dir, 'server.crt')));
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toMatch(/DNS:mail\.test\.example/);
    const alice = new X509Certificate(readFileSync(join(dir, 'client-alice@example.org.crt')));
    expect(alice.verify(ca.publicKey)).toBe(true);
    expect(alice.subjectAltName).toBe('email:alice@example.org');
    const bob = new X509Certificate(readFileSync(join(dir, 'client-bob.crt')));
    expect(bob.subject).toMatch(/CN=bob/);
    expect(bob.subjectAltName).toBeUndefined();
    expect(statSync(join(dir, 'client-bob.key')).mode & 0o777).toBe(0o600);

    const p12 = readFileSync(join(dir, 'client-alice@example.org.p12'));
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), '');
    const bags = parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
    expect(bags.map((b) => b.cert?.subject.getField('CN')?.value)).toContain('alice@example.org');
    expect(res.stdout).toMatch(/clientCa: .*ca\.crt/);
  });

  it('issues more client certificates from an existing CA', async () => {
    const dir = join(home.dir, 'local-ca');
    const before = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const res = await home.run(['cert', '--dir', dir, '--client', 'dave@example.org']);
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(before);
    const ca = new X509Certificate(before);
    expect(new X509Certificate(readFileSync(join(dir, 'client-dave@example.org.crt'))).verify(ca.publicKey)).toBe(true);
  });

  it('puts the n-th --email into the n-th --client certificate; an --email without its --client is a usage error', async () => {
    const dir = join(home.dir, 'local-ca');
    const res = await home.run(['cert', '--dir', dir, '--client', 'erin', '--email', 'erin@example.org', '--client', 'frank']);
    expect(res.stderr).toBe('');
    expect(new X509Certificate(readFileSync(join(dir, 'client-erin.crt'))).subjectAltName).toBe('email:erin@example.org');
    expect(new X509Certificate(readFileSync(join(dir, 'client-frank.crt'))).subjectAltName).toBeUndefined();
    const lone = await home.run(['cert', '--dir', dir, '--email', 'x@example.org']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/each --email goes with a --client/);
  });
});

describe('postern config and usage errors', () => {
  it('prints the effective configuration', async () => {
    const res = await home.run(['config']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/is valid/);
    expect(res.stdout).toMatch(/authservId: test\.example/);
  });

  it('a certificate or key that cannot be read makes the configuration invalid (78), as serve would find it', async () => {
    const missing = tempHome('hostname: t.example\nlisteners: []\ntls: { cert: certs/none.crt, key: certs/none.key }\n');
    try {
      const res = await missing.run(['config']);
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(/invalid configuration\n {2}- tls: cannot read TLS certificate .*none\.crt/);
      expect(res.stdout).toBe('');
    } finally {
      missing.cleanup();
    }
    const noCa = tempHome('hostname: t.example\nlisteners: []\ntls: { clientCa: certs/none-ca.crt }\n');
    try {
      const res = await noCa.run(['config']);
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(/tls: cannot read TLS client CA .*none-ca\.crt/);
    } finally {
      noCa.cleanup();
    }
  });

  it('a bad configuration names the key and exits 78', async () => {
    const bad = tempHome('limits:\n  maxConection: 5\n');
    try {
      const res = await bad.run(['user', 'list']);
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(/limits\.maxConection: unknown key/);
      expect(existsSync(join(bad.dir, 'data'))).toBe(false);
    } finally {
      bad.cleanup();
    }
  });

  it('takes --config FILE before the command, as the usage shows, and after it; --version prints the version', async () => {
    const other = tempHome('hostname: other.example\nlisteners: []\n');
    try {
      const file = join(other.dir, 'postern.yaml');
      for (const args of [['--config', file, 'config'], [`--config=${file}`, 'config'], ['config', '--config', file]]) {
        const res = await home.run(args);
        expect(res.stderr, args.join(' ')).toBe('');
        expect(res.stdout).toMatch(/authservId: other\.example/);
      }
      expect((await home.run(['--config'])).code).toBe(2);
    } finally {
      other.cleanup();
    }
    const version = await home.run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^postern \d+\.\d+\.\d+ \(node v\d+/);
  });

  it('unknown commands and options exit 2 with usage', async () => {
    const res = await home.run(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command "frobnicate"/);
    const opt = await home.run(['user', 'list', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/usage: postern user/);
  });
});
