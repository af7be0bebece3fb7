// R10.2, R4.4: the configuration loader fills defaults, resolves paths, and names the key in every error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../../src/config/load.js';

const home = '/srv/postern';

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'test.yaml', home);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config defaults', () => {
  it('an empty file gives a complete configuration with absolute paths', () => {
    const config = parseConfigText('', 'test.yaml', home);
    expect(config.store.path).toBe('/srv/postern/data/postern.sqlite');
    expect(config.tls.certDir).toBe('/srv/postern/certs');
    expect(config.authservId).toBe(config.hostname);
    expect(config.limits.imapIdleSeconds).toBe(1800);
    expect(config.auth.allowPlaintextWithoutTls).toBe(false);
    expect(config.listeners).toEqual([]);
  });

  it('the shipped config/postern.yaml is valid and uses the unprivileged ports and data/', () => {
    const text = readFileSync(new URL('../../../config/postern.yaml', import.meta.url), 'utf8');
    const config = parseConfigText(text, 'postern.yaml', home);
    const ports = config.listeners.flatMap((l) => ('port' in l ? [`${l.protocol}:${l.port}:${l.tls}`] : []));
    expect(ports).toEqual(['imap:1143:starttls', 'imap:1993:implicit', 'pop3:1110:starttls', 'pop3:1995:implicit', 'lmtp:2424:starttls']);
    const unix = config.listeners.find((l) => 'path' in l);
    expect(unix && 'path' in unix ? unix.path : null).toBe('/srv/postern/data/lmtp.sock');
    expect(config.store.path).toBe('/srv/postern/data/postern.sqlite');
  });

  it('authservId defaults to hostname, and can differ', () => {
    expect(parseConfigText('hostname: mx.example.org', 't', home).authservId).toBe('mx.example.org');
    expect(parseConfigText('hostname: mx.example.org\nauthservId: example.org', 't', home).authservId).toBe('example.org');
  });
});

describe('config errors name the key and the problem', () => {
  it('a wrong type', () => {
    expect(problemsOf('listeners:\n  - { protocol: imap, port: "abc" }')).toEqual([
      expect.stringMatching(/^listeners\[0\].*port.*number/),
    ]);
  });

  it('an unknown key (a typo) is refused, with its full path', () => {
    expect(problemsOf('limits:\n  maxConnection: 5')).toEqual(['limits.maxConnection: unknown key']);
    expect(problemsOf('hostnme: x')).toEqual(['hostnme: unknown key']);
  });

  it('R4.4: an authserv-id that is not an IMAP atom / RFC 8601 value', () => {
    for (const bad of ['"a b"', '"x(y)"', '"quo\\"te"', '"a%b"', '"a*"', '"br]ace"', '"semi;colon"', '"a/b"']) {
      const problems = problemsOf(`authservId: ${bad}`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^authservId: must be a valid IMAP atom/);
    }
  });

  it('an IMAP idle timeout below the RFC minimum', () => {
    expect(problemsOf('limits: { imapIdleSeconds: 60 }')[0]).toMatch(/^limits\.imapIdleSeconds: /);
  });

  it('two listeners on the same address and port', () => {
    const problems = problemsOf(
      'listeners:\n  - { protocol: imap, port: 1143 }\n  - { protocol: pop3, port: 1143 }',
    );
    expect(problems).toEqual(['listeners[1]: 127.0.0.1:1143 is already used by listeners[0]']);
  });

  it('cert without key', () => {
    expect(problemsOf('tls: { cert: /etc/x.pem }')).toEqual(['tls.cert: cert and key must be given together']);
  });

  it('requireTls on a cleartext-only listener', () => {
    expect(problemsOf('listeners:\n  - { protocol: lmtp, port: 24, tls: none, requireTls: true }')).toEqual([
      'listeners[0].requireTls: cannot require TLS on a listener with tls: none',
    ]);
  });

  it('YAML syntax errors and duplicate keys', () => {
    expect(problemsOf('store: [unclosed')[0]).toMatch(/^YAML syntax/);
    expect(problemsOf('hostname: a\nhostname: b')[0]).toMatch(/^YAML syntax/);
  });

  it('property: any YAML text gives a Config or a ConfigError, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseConfigText(text, 't', home);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('POSTERN_CONFIG', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('selects another file', () => {
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'hostname: other.example\nstore: { path: db/mail.sqlite }\n');
    const config = loadConfig({ home: dir, env: { POSTERN_CONFIG: file } });
    expect(config.hostname).toBe('other.example');
    expect(config.store.path).toBe(join(dir, 'db/mail.sqlite'));
    expect(config.source).toBe(file);
  });

  it('a missing file is a clear error naming it', () => {
    expect(() => loadConfig({ home: dir, env: { POSTERN_CONFIG: join(dir, 'nope.yaml') } })).toThrow(/nope\.yaml.*cannot read.*ENOENT/s);
  });
});
