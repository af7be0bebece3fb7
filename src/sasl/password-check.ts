// The password check behind PLAIN (RFC 4616), LOGIN, IMAP LOGIN and POP3 USER/PASS, and authzid handling
// (RFC 4422 §3.4.1). Unknown user and wrong password do the same work and give the same answer (R6.4).
import type { UserWithCredentials } from '../store/types.js';
import { isAcceptableName, sameLogin, type MechanismDeps, type SaslFailureReason, type SaslOutcome } from './mechanism.js';
import { decoyVerifyPassword, verifyPassword } from './passwords.js';

type Checked = { ok: true; user: UserWithCredentials } | { ok: false; outcome: SaslOutcome };

const fail = (reason: SaslFailureReason): Checked => ({
  ok: false,
  outcome: { kind: 'failure', reason },
});

/** Looks a user up; a store error is reported as null plus the flag, never thrown. */
export async function safeLookup(
  deps: MechanismDeps,
  login: string,
): Promise<{ user: UserWithCredentials | null; error: boolean }> {
  try {
    return { user: await deps.lookup(login), error: false };
  } catch {
    return { user: null, error: true };
  }
}

/**
 * Verifies `password` for `login`: admission (limits) first, then one scrypt either way, unless the same
 * password was found right for the same stored verifier a moment ago, or is being checked (MechanismDeps.verified).
 */
export async function checkPassword(deps: MechanismDeps, login: string, password: string): Promise<Checked> {
  if (!isAcceptableName(login)) return fail('malformed');
  const refusal = await deps.admit(login);
  if (refusal !== null) return fail(refusal);
  const { user, error } = await safeLookup(deps, login);
  if (error) return fail('temporary');
  const slot = deps.hashSlot ?? ((work) => work());
  if (user === null) {
    await slot(() => decoyVerifyPassword(password));
    return fail('bad-credentials');
  }
  const verifier = user.credentials.scrypt;
  const check = (): Promise<boolean> => slot(() => verifyPassword(password, verifier));
  let good: boolean;
  try {
    good = await (deps.verified ? deps.verified.verify(user.id, verifier, password, check) : check());
  } catch {
    return fail('temporary');
  }
  if (!good) return fail('bad-credentials');
  deps.renewal?.afterSuccess(user, password);
  return { ok: true, user };
}

/**
 * The identity after `authcid` proved who it is: an empty or identical authzid means the same user; another
 * user only when the policy allows it and that user exists (RFC 4616 §2, RFC 5802 §5.1 "a=").
 */
export async function resolveAuthzid(
  deps: MechanismDeps,
  authenticated: UserWithCredentials,
  authzid: string,
): Promise<SaslOutcome> {
  if (authzid === '' || sameLogin(authzid, authenticated.name)) {
    const identity = { userId: authenticated.id, user: authenticated.name };
    return { kind: 'success', identity: authzid === '' ? identity : { ...identity, authzid } };
  }
  if (deps.authorize === null || !isAcceptableName(authzid) || !deps.authorize(authenticated, authzid)) {
    return { kind: 'failure', reason: 'not-permitted' };
  }
  const { user, error } = await safeLookup(deps, authzid);
  if (error) return { kind: 'failure', reason: 'temporary' };
  if (user === null || !sameLogin(user.name, authzid)) return { kind: 'failure', reason: 'not-permitted' };
  return { kind: 'success', identity: { userId: user.id, user: user.name, authzid } };
}
