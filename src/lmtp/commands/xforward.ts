// XFORWARD attr=value ... (Postfix XFORWARD_README): the original client's address and HELO, for SPF and
// DMARC (SPEC R2.3); our Received field records our own hop. Accepted only from trusted clients (R1.2, R1.3:
// trusted networks, the Unix socket, relay users; never an ordinary user) and outside a transaction.
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { R } from '../replies.js';
import { isTrustedClient } from '../trust.js';

export function xforward(ctx: LmtpContext, attributes: Record<string, string | null>): Outcome {
  const { facts, state } = ctx;
  if (!isTrustedClient(ctx.trust)) return answer(R.notTrusted('XFORWARD')); // R1.3
  if (state.kind === 'transaction') return answer(R.badSequence('XFORWARD inside a mail transaction'));
  const pick = (key: string, current: string | null): string | null => (key in attributes ? (attributes[key] ?? null) : current);
  facts.xforward = {
    addr: pick('ADDR', facts.xforward.addr),
    helo: pick('HELO', facts.xforward.helo),
    name: pick('NAME', facts.xforward.name),
    ident: pick('IDENT', facts.xforward.ident), // issue 16 item 8: the delivery line's mtaQueueId
  };
  return answer(R.ok('Ok'));
}
