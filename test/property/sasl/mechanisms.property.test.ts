// Property tests (fast-check): every mechanism fed arbitrary byte sequences returns a SaslStep and never throws
// (RFC 4422 §3: a mechanism ends in success or failure, nothing else).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Authenticator } from '../../../src/sasl/authenticator.js';
import { ExternalExchange } from '../../../src/sasl/external.js';
import { LoginExchange } from '../../../src/sasl/login.js';
import type { MechanismDeps, SaslExchange, SaslStep } from '../../../src/sasl/mechanism.js';
import { PlainExchange } from '../../../src/sasl/plain.js';
import { ScramSha256Exchange } from '../../../src/sasl/scram-sha-256.js';
import { deriveScramKeys } from '../../../src/sasl/scram-crypto.js';
import type { UserWithCredentials } from '../../../src/store/types.js';

const SALT = Buffer.alloc(16, 7);

async function user(): Promise<UserWithCredentials> {
  const keys = await deriveScramKeys('pw', SALT, 4096);
  return {
    id: 1,
    name: 'u',
    quotaBytes: null,
    createdAt: new Date(0),
    disabled: false,
    // A cheap but valid scrypt string (N=16) keeps the runs fast; the cost bounds still apply.
    credentials: {
      scrypt: 'scrypt$16$1$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      scramSha256: { salt: SALT.toString('base64'), iterations: 4096, storedKey: keys.storedKey.toString('base64'), serverKey: keys.serverKey.toString('base64') },
    },
  };
}

function isStep(s: SaslStep): boolean {
  switch (s.kind) {
    case 'challenge':
      return Buffer.isBuffer(s.data);
    case 'success':
      return typeof s.identity.userId === 'number';
    case 'failure':
      return ['bad-credentials', 'malformed', 'cancelled', 'not-permitted', 'temporary', 'too-many'].includes(s.reason);
  }
}

const piece = fc.constantFrom('n', 'y', ',', 'a=u', 'n=u', 'r=ab', 'r=abS', 'c=biws', 'p=', 'AAAA', '=2C', '=', 'x=1', '\u0000', 'u', 'pw');
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
  fc.array(piece, { maxLength: 16 }).map((p) => Buffer.from(p.join(''), 'utf8')),
);
const script = fc.record({
  initial: fc.option(bytes, { nil: null }),
  steps: fc.array(fc.oneof(bytes, fc.constant('cancel' as const)), { maxLength: 5 }),
});

async function drive(ex: SaslExchange, s: { initial: Buffer | null; steps: Array<Buffer | 'cancel'> }): Promise<void> {
  expect(isStep(await ex.start(s.initial))).toBe(true);
  for (const r of s.steps) {
    const step = r === 'cancel' ? await ex.cancel() : await ex.step(r);
    expect(isStep(step)).toBe(true);
  }
}

describe('mechanisms on arbitrary input', () => {
  const make: Record<string, (deps: MechanismDeps) => SaslExchange> = {
    PLAIN: (d) => new PlainExchange(d),
    LOGIN: (d) => new LoginExchange(d),
    EXTERNAL: (d) => new ExternalExchange(d, { emails: ['u'], commonName: null }),
    'EXTERNAL without certificate': (d) => new ExternalExchange(d, null),
    'SCRAM-SHA-256': (d) => new ScramSha256Exchange(d, { decoyIterations: 4096, serverNonce: () => 'S' }),
  };
  for (const [name, factory] of Object.entries(make)) {
    it(`${name} always returns a SaslStep`, async () => {
      const u = await user();
      const deps: MechanismDeps = { lookup: async (l) => (l === 'u' ? u : null), admit: () => null, authorize: null };
      await fc.assert(fc.asyncProperty(script, (s) => drive(factory(deps), s)), { numRuns: 150 });
    });
  }
});

describe('the Authenticator guard on arbitrary input', () => {
  it('every mechanism it begins returns a SaslStep and logs at most one line', async () => {
    const u = await user();
    const lines: unknown[] = [];
    const log = (obj: Record<string, unknown>): void => {
      lines.push(obj);
    };
    const auth = new Authenticator({
      lookup: async (l) => (l === 'u' ? u : null),
      logger: { info: log, warn: log },
      failureDelayMs: 0,
      maxFailuresPerIp: 1_000_000,
      serverNonce: () => 'S',
    });
    const mech = fc.constantFrom('PLAIN', 'LOGIN', 'EXTERNAL', 'SCRAM-SHA-256');
    await fc.assert(
      fc.asyncProperty(mech, script, async (m, s) => {
        const begun = auth.begin(m, { tls: true, peer: { emails: ['u'], commonName: null }, allowPlaintextWithoutTls: false, remoteAddress: '192.0.2.1', protocol: 'lmtp' });
        if (!begun.ok) throw new Error(begun.refusal);
        const before = lines.length;
        await drive(begun.exchange, s);
        expect(lines.length - before).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });
});
