// The LHLO reply (RFC 2033 §4.1, SPEC R1.2): what this session is offered depends on TLS, the transport,
// whether the client is trusted, and configuration. Recomputed after STARTTLS (R5.2).

export interface CapabilityContext {
  hostname: string;
  authservId: string;
  hideAuthservId: boolean;
  tlsActive: boolean;
  /** STARTTLS is configured on this listener. */
  startTlsAvailable: boolean;
  unixSocket: boolean;
  requireTlsOnUnixSocket: boolean;
  trusted: boolean;
  authenticated: boolean;
  maxMessageBytes: number;
  /** SASL mechanisms the authenticator offers here. */
  mechanisms: readonly string[];
}

/** R3.1: REQUIRETLS only on a TLS-protected session, or a Unix-socket one unless configured off. */
export function offersRequireTls(ctx: Pick<CapabilityContext, 'tlsActive' | 'unixSocket' | 'requireTlsOnUnixSocket'>): boolean {
  return ctx.tlsActive || (ctx.unixSocket && ctx.requireTlsOnUnixSocket);
}

/** The lines after the greeting line of the 250 LHLO reply. */
export function capabilities(ctx: CapabilityContext): string[] {
  const caps = ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8', `SIZE ${ctx.maxMessageBytes}`, 'CHUNKING'];
  if (ctx.startTlsAvailable && !ctx.tlsActive && !ctx.unixSocket) caps.push('STARTTLS');
  if (!ctx.authenticated && ctx.mechanisms.length > 0) caps.push(`AUTH ${ctx.mechanisms.join(' ')}`);
  if (offersRequireTls(ctx)) caps.push('REQUIRETLS');
  caps.push(ctx.hideAuthservId ? 'AUTHSERV' : `AUTHSERV=${ctx.authservId}`); // R4.3
  if (ctx.trusted) caps.push(`XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE`);
  return caps;
}
