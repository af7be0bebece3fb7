// STARTTLS (RFC 3207 §4, SPEC R5.2): 220, then the session upgrades the connection, drops every byte the
// client sent after the command, forgets all state (a new LHLO is needed) and recomputes capabilities.
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { R } from '../replies.js';

export function starttls(ctx: LmtpContext): Outcome {
  const { facts, state } = ctx;
  if (facts.tls !== null) return answer(R.badSequence('TLS already active'));
  if (!facts.startTlsAvailable) return answer(R.notImplemented('STARTTLS not available here'));
  if (state.kind === 'transaction') return answer(R.badSequence('STARTTLS inside a mail transaction'));
  return { replies: [R.startTls()], state: { kind: 'fresh' }, after: 'starttls' };
}
