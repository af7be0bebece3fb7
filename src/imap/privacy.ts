// SPEC R3.4 in IMAP, in one place: a mailbox holding REQUIRETLS mail is never served, changed or described to
// a session without TLS. The dispatcher's gate refuses every command that names such a mailbox (the command
// table says which arguments name mailboxes) and ends a session whose selected mailbox has become one; SELECT,
// EXAMINE and STATUS judge the very snapshot they report; the store refuses cleartext writes to one inside the
// write's transaction (StoreError 'privacy-required', mapped in errors.ts).
import { isStoreError } from '../store/errors.js';
import type { MailboxInfo, PrivacyGuard } from '../store/types.js';
import type { CommandSpec, ImapContext, Outcome } from './context.js';
import { raw } from './protocol/encode.js';
import { no, type TaggedResult } from './responses.js';

const TEXT = 'This mailbox holds mail that requires TLS; reconnect with STARTTLS or IMAPS';

/** NO [PRIVACYREQUIRED] (RFC 5530 §3) with the text telling how to get TLS. */
export function privacyRequired(): TaggedResult {
  return no(TEXT, 'PRIVACYREQUIRED');
}

/** R3.4: the refusal for a session without TLS when `info` (one snapshot's counters) holds REQUIRETLS mail. */
export function privacyRefusal(ctx: Pick<ImapContext, 'facts'>, info: Pick<MailboxInfo, 'requireTlsMessages'>): TaggedResult | null {
  if (ctx.facts.tls !== null || info.requireTlsMessages === 0) return null;
  return privacyRequired();
}

/** What a write asks the store to check inside its transaction (R3.4). */
export function privacyGuard(ctx: Pick<ImapContext, 'facts'>): PrivacyGuard {
  return { refuseProtected: ctx.facts.tls === null };
}

async function isProtected(ctx: ImapContext, read: () => Promise<MailboxInfo>): Promise<boolean> {
  try {
    return (await read()).requireTlsMessages > 0;
  } catch (err) {
    if (isStoreError(err, 'not-found')) return false; // the command itself answers for a missing mailbox
    throw err;
  }
}

/**
 * The dispatcher's R3.4 gate, run before every command of a session without TLS: null to run the command, or
 * the outcome instead of it. A selected mailbox that now holds REQUIRETLS mail ends the session (the
 * dispatcher says BYE [PRIVACYREQUIRED], as when the change feed tells it first); a command naming one is
 * refused with NO [PRIVACYREQUIRED], and one that closes the selected mailbox whatever its outcome
 * (SELECT, EXAMINE: RFC 9051 §6.3.2) still does.
 */
export async function privacyGate(ctx: ImapContext, spec: Pick<CommandSpec, 'closesSelected'>, mailboxes: readonly string[]): Promise<Outcome | null> {
  if (ctx.facts.tls !== null) return null;
  const state = ctx.state;
  if (state.kind !== 'authenticated' && state.kind !== 'selected') return null;
  const { store } = ctx.services;
  if (state.kind === 'selected' && (await isProtected(ctx, () => store.getMailboxById(state.user.id, state.view.mailboxId)))) {
    state.view.refuseForPrivacy();
    return { result: privacyRequired() };
  }
  for (const name of mailboxes) {
    if (!(await isProtected(ctx, () => store.getMailbox(state.user.id, name)))) continue;
    if (spec.closesSelected === true && state.kind === 'selected') {
      state.view.close();
      ctx.send(raw('* OK [CLOSED] Previous mailbox closed\r\n'));
      return { result: privacyRequired(), state: { kind: 'authenticated', user: state.user } };
    }
    return { result: privacyRequired() };
  }
  return null;
}
