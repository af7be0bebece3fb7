// The CAPA list (RFC 2449 §5–§6, SPEC R8.1, R4.2, R5.3): what this session is offered depends on TLS, the
// client certificate, the state and configuration; recomputed after STLS (R5.2). Capabilities of the
// AUTHORIZATION state are announced in both states (RFC 2449 §5); AUTHSERV carries the id only after login.

export interface CapaContext {
  authservId: string;
  tlsActive: boolean;
  stlsAvailable: boolean;
  /** USER/PASS may be used here (R5.3: not without TLS unless configured). */
  userAllowed: boolean;
  /** SASL mechanisms the authenticator offers here. */
  mechanisms: readonly string[];
  transaction: boolean;
}

export function capabilities(ctx: CapaContext): string[] {
  const caps = ['TOP', 'UIDL'];
  if (ctx.userAllowed) caps.push('USER');
  if (ctx.mechanisms.length > 0) caps.push(`SASL ${ctx.mechanisms.join(' ')}`);
  caps.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
  if (ctx.stlsAvailable && !ctx.tlsActive) caps.push('STLS');
  caps.push('UTF8', 'EXPIRE NEVER', 'IMPLEMENTATION Postern');
  caps.push(ctx.transaction ? `AUTHSERV ${ctx.authservId}` : 'AUTHSERV'); // R4.2
  return caps;
}
