// LHLO <domain> (RFC 2033 §4.1): greets, resets any transaction, and lists the capabilities (SPEC R1.2).
// HELO and EHLO are SMTP, not LMTP: 500 (R1.2).
import { capabilities } from '../capabilities.js';
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { reply, R } from '../replies.js';
import { isTrustedClient } from '../trust.js';

export function lhlo(ctx: LmtpContext, domain: string): Outcome {
  const { settings, authenticator } = ctx.services;
  const { facts } = ctx;
  const mechanisms = authenticator.mechanisms({
    tls: facts.tls !== null,
    peer: facts.peer,
    allowPlaintextWithoutTls: settings.allowPlaintextWithoutTls,
  });
  const caps = capabilities({
    hostname: settings.hostname,
    authservId: settings.authservId,
    hideAuthservId: settings.hideAuthservId,
    tlsActive: facts.tls !== null,
    startTlsAvailable: facts.startTlsAvailable,
    unixSocket: facts.transport === 'unix',
    requireTlsOnUnixSocket: settings.requireTlsOnUnixSocket,
    trusted: isTrustedClient(ctx.trust), // R1.2: XFORWARD for trusted clients only
    authenticated: facts.auth !== null,
    maxMessageBytes: settings.maxMessageBytes,
    mechanisms,
  });
  ctx.log.debug({ helo: domain, trust: ctx.trust }, 'LHLO');
  return answer(reply(250, null, `${settings.hostname} Hello ${domain.slice(0, 64)}`, ...caps), { kind: 'ready', helo: domain });
}

export function smtpGreeting(): Outcome {
  return answer(R.useLhlo());
}
