// Line ends for imported messages (issue 16 item 1): Dovecot keeps Maildir and mbox files with LF line ends and
// serves them with CRLF (RFC 5322 §2.1, RFC 9051 §4.3); Postern stores what it serves, so a bare LF becomes CRLF.
// Pure.

/** The bytes with every LF not preceded by CR turned into CRLF (the same buffer when there is none). */
export function toCrlf(bytes: Buffer): Buffer {
  let bare = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) if (i === 0 || bytes[i - 1] !== 13) bare++;
  if (bare === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + bare);
  let o = 0;
  let from = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    if (i > 0 && bytes[i - 1] === 13) continue;
    o += bytes.copy(out, o, from, i);
    out[o++] = 13;
    out[o++] = 10;
    from = i + 1;
  }
  o += bytes.copy(out, o, from);
  return out.subarray(0, o);
}
