// The IMAP capability list (RFC 9051 §7.2.2, SPEC R4.1, R5.3, R7.2): computed from the session's state —
// TLS, authentication, the mechanisms the authenticator offers — and recomputed after STARTTLS.

export interface CapabilityContext {
  authenticated: boolean;
  tlsActive: boolean;
  startTlsAvailable: boolean;
  /** R5.3: IMAP LOGIN / PLAIN / LOGIN refused here without TLS → LOGINDISABLED. */
  plaintextAllowed: boolean;
  mechanisms: readonly string[];
  authservId: string;
  appendLimit: number;
}

/** Extensions offered once logged in (R7.2 first wave). */
const AFTER_LOGIN = [
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
  'LIST-EXTENDED', // RFC 5258: selection SUBSCRIBED, REMOTE, SPECIAL-USE, RECURSIVEMATCH (with SUBSCRIBED)
  'LIST-STATUS', // RFC 5819
  'SPECIAL-USE',
  'CREATE-SPECIAL-USE',
  'ESEARCH',
  'SEARCHRES', // RFC 5182: SEARCH RETURN (SAVE) and $ (search-result.ts)
  'COMPRESS=DEFLATE', // RFC 4978, once per connection (commands/compress.ts, net/deflate-layer.ts)
  'SORT', // RFC 5256, on the keys kept per body (migrations/0014)
  'SORT=DISPLAY', // RFC 5957
  'ESORT', // RFC 5267 §3
  'CONTEXT=SEARCH', // RFC 5267 §4: SEARCH RETURN (UPDATE) kept up to date, CANCELUPDATE (search/updates.ts)
  'THREAD=ORDEREDSUBJECT', // RFC 5256
  'THREAD=REFERENCES', // RFC 5256
  'CONDSTORE', // RFC 7162 §3.1: MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, SEARCH MODSEQ, HIGHESTMODSEQ; never NOMODSEQ
  'QRESYNC', // RFC 7162 §3.2: SELECT (QRESYNC ...), VANISHED (EARLIER) from the expunge log, VANISHED for EXPUNGE
  'UTF8=ACCEPT', // RFC 6855, once ENABLEd (commands/id.ts): UTF-8 names and strings, APPEND UTF8 (literal8)
  'QUOTA', // RFC 9208 (commands/quota.ts): one root "User quota" per user, GETQUOTA / GETQUOTAROOT; SETQUOTA is NO
  'QUOTA=RES-STORAGE', // RFC 9208 §5.1, with STATUS (DELETED-STORAGE)
  'MULTIAPPEND', // RFC 3502 (commands/append.ts): one store transaction; all the literals ≤ maxLiteralBytes in sum
  'BINARY', // RFC 3516 (fetch/body-section.ts, parse/append.ts): decoded FETCH BINARY, literal8 both ways
  'WITHIN', // RFC 5032 (search/evaluate.ts): SEARCH OLDER / YOUNGER <seconds>
  'PARTIAL', // RFC 9394 (partial.ts): SEARCH / SORT RETURN (PARTIAL n:m or -n:-m), the FETCH modifier (PARTIAL)
  'STATUS=SIZE', // RFC 8438: STATUS / LIST-STATUS (SIZE) from the mailbox's byte counter (commands/status.ts)
  'CATENATE', // RFC 4469 (catenate.ts): APPEND … CATENATE (TEXT / URL of the user's own messages), with MULTIAPPEND
  'PREVIEW', // RFC 8970: FETCH PREVIEW [(LAZY)] stored by the text indexer (text-index/previews.ts, mime/preview.ts)
  'OBJECTID', // RFC 8474: MAILBOXID (SELECT, STATUS, CREATE), FETCH/SEARCH EMAILID, THREADID (NIL: no threads kept)
  'SAVEDATE', // RFC 8514: FETCH SAVEDATE, SEARCH SAVEDBEFORE / SAVEDON / SAVEDSINCE / SAVEDATESUPPORTED
];

export function capabilityList(ctx: CapabilityContext): string[] {
  const caps = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE'];
  if (!ctx.authenticated) {
    if (ctx.startTlsAvailable && !ctx.tlsActive) caps.push('STARTTLS');
    if (!ctx.plaintextAllowed) caps.push('LOGINDISABLED');
    for (const m of ctx.mechanisms) caps.push(`AUTH=${m}`);
    caps.push('AUTHSERV'); // R4.1: bare before authentication
    return caps;
  }
  caps.push(...AFTER_LOGIN, `APPENDLIMIT=${ctx.appendLimit}`, `AUTHSERV=${ctx.authservId}`); // R4.1
  return caps;
}
