// The password check behind PLAIN, LOGIN, IMAP LOGIN and POP3 USER/PASS (sasl/password-check.ts): a right
// password asks for the credentials' renewal (issue 17 item 1) once the check is done; a wrong one, an unknown
// user or a refused attempt never do.
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../../src/sasl/password-check.js';
import type { UserWithCredentials } from '../../../src/store/types.js';
import { depsOver, makeUser } from './fixtures.js';

function spy(): { renewal: { afterSuccess(user: UserWithCredentials, password: string): void }; calls: Array<[string, string]> } {
  const calls: Array<[string, string]> = [];
  return { calls, renewal: { afterSuccess: (user, password) => calls.push([user.name, password]) } };
}

describe('checkPassword and the renewal of stored verifiers', () => {
  it('asks for the renewal after a right password only', async () => {
    const alice = await makeUser('alice', 'right');
    const { renewal, calls } = spy();
    const deps = depsOver([alice], { renewal });
    expect((await checkPassword(deps, 'alice', 'wrong')).ok).toBe(false);
    expect((await checkPassword(deps, 'nobody', 'right')).ok).toBe(false);
    expect(calls).toEqual([]);
    expect((await checkPassword(deps, 'ALICE', 'right')).ok).toBe(true);
    expect(calls).toEqual([['alice', 'right']]);
  });

  it('never for an attempt refused before the check (a limit), nor when the store fails', async () => {
    const alice = await makeUser('alice', 'right');
    const { renewal, calls } = spy();
    expect((await checkPassword(depsOver([alice], { renewal, admit: () => 'too-many' }), 'alice', 'right')).ok).toBe(false);
    const failing = { ...depsOver([alice], { renewal }), lookup: async () => Promise.reject(new Error('locked')) };
    expect((await checkPassword(failing, 'alice', 'right')).ok).toBe(false);
    expect(calls).toEqual([]);
  });
});
