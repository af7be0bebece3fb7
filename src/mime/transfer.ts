// Content-Transfer-Encoding undone (RFC 2045 §6.7 quoted-printable, §6.8 base64), for BINARY[section] (RFC 3516)
// and as the fallback of the text extraction when mailparser fails on a part. Pure.

/** Undoes base64 or quoted-printable; other encodings are already the octets. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'BASE64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (encoding === 'QUOTED-PRINTABLE') return decodeQuotedPrintable(body);
  return body;
}

/** RFC 2045 §6.7: "=XX" octets and soft line breaks ("=" at the end of a line); bad escapes kept literally. */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? 0;
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    const a = body[i + 1];
    const b = body[i + 2];
    if (a === 0x0a) {
      i += 1;
    } else if (a === 0x0d && b === 0x0a) {
      i += 2;
    } else if (a !== undefined && b !== undefined && isHex(a) && isHex(b)) {
      out[n++] = parseInt(String.fromCharCode(a, b), 16);
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
