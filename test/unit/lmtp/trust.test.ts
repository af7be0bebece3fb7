// The LMTP trust value (SPEC R1.3, RFC 4954 §5): who is trusted, and which MAIL FROM AUTH= identity is believed.
import { describe, expect, it } from 'vitest';
import { believedAuthParam, clientTrust, isTrustedClient, type LmtpTrust } from '../../../src/lmtp/trust.js';

const user = (name: string) => ({ userId: 1, user: name });
const RELAYS = ['relay@example.org'];

describe('clientTrust (R1.3)', () => {
  const cases: Array<[string, Parameters<typeof clientTrust>[0], LmtpTrust]> = [
    ['unauthenticated TCP', { transport: 'tcp', trustedNetwork: false, auth: null }, 'none'],
    ['ordinary user on TCP', { transport: 'tcp', trustedNetwork: false, auth: user('alice@example.org') }, 'user'],
    ['relay user on TCP', { transport: 'tcp', trustedNetwork: false, auth: user('RELAY@example.org') }, 'relay'],
    ['trusted network', { transport: 'tcp', trustedNetwork: true, auth: null }, 'network'],
    ['ordinary user on a trusted network', { transport: 'tcp', trustedNetwork: true, auth: user('alice@example.org') }, 'network'],
    ['Unix socket', { transport: 'unix', trustedNetwork: true, auth: null }, 'unix-socket'],
    ['relay user on the Unix socket', { transport: 'unix', trustedNetwork: true, auth: user('relay@example.org') }, 'relay'],
  ];
  for (const [name, facts, expected] of cases) {
    it(name, () => expect(clientTrust(facts, RELAYS)).toBe(expected));
  }

  it('only network, unix-socket and relay are trusted clients', () => {
    const all: LmtpTrust[] = ['network', 'unix-socket', 'relay', 'user', 'none'];
    expect(all.filter(isTrustedClient)).toEqual(['network', 'unix-socket', 'relay']);
  });
});

describe('believedAuthParam (R1.3, RFC 4954 §5)', () => {
  const alice = { auth: user('alice@example.org') };
  it('a trusted client is believed as given', () => {
    for (const trust of ['network', 'unix-socket', 'relay'] as const) expect(believedAuthParam(trust, { auth: null }, 'ceo@example.org')).toBe('ceo@example.org');
  });
  it('an ordinary user only about itself, the stored login stamped', () => {
    expect(believedAuthParam('user', alice, 'ceo@example.org')).toBeNull();
    expect(believedAuthParam('user', alice, 'ALICE@Example.Org')).toBe('alice@example.org');
    expect(believedAuthParam('user', alice, 'alice@example.org.evil')).toBeNull();
  });
  it('anyone else, and AUTH=<>, is ignored', () => {
    expect(believedAuthParam('none', { auth: null }, 'ceo@example.org')).toBeNull();
    expect(believedAuthParam('relay', { auth: null }, '')).toBeNull();
    expect(believedAuthParam('network', { auth: null }, null)).toBeNull();
  });
});
