// The pure parsers of `postern import` (issue 16 item 1): mbox splitting (mboxrd quoting round trip, whatever the
// chunking: the class of a separator or quote cut across a read), CRLF conversion, dovecot-uidlist lines, Maildir
// flags with dovecot-keywords, the From-line date.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCrlf } from '../../../src/import/crlf.js';
import { parseUidlistHeader, parseUidlistLine } from '../../../src/import/dovecot-uidlist.js';
import { maildirFlags, parseDovecotKeywords } from '../../../src/import/maildir-name.js';
import { fromLineDate, splitMbox } from '../../../src/import/mbox-split.js';
import { dovecotDefaultUidl } from '../../../src/import/source.js';

/** mboxrd writing: every line matching /^>*From / gets one more ">"; a message ends with LF, then an empty line. */
function writeMboxrd(messages: string[]): string {
  return messages
    .map((m, i) => `From sender${i}@example.org Mon Jan  2 03:04:05 2023\n${m.replace(/^(>*From )/gm, '>$1')}\n`)
    .join('');
}

async function* chunked(text: string, cuts: number[]): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'latin1');
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > at && c < buf.length) {
      yield buf.subarray(at, c);
      at = c;
    }
  }
  yield buf.subarray(at);
}

async function split(text: string, cuts: number[] = []): Promise<string[]> {
  const out: string[] = [];
  for await (const m of splitMbox(chunked(text, cuts))) out.push(m.bytes.toString('latin1'));
  return out;
}

const line = fc.oneof(
  fc.constantFrom('From here', '>From there', '>>From x', 'From', '', 'Subject: s', ' From', 'text'),
  fc.string({ unit: fc.constantFrom('a', ' ', '>', 'F', 'r', 'o', 'm', ':'), maxLength: 12 }),
);
const message = fc.array(line, { minLength: 1, maxLength: 8 }).map((ls) => `Subject: x\n\n${ls.join('\n')}\n`);

describe('mbox', () => {
  it('gives back exactly the messages an mboxrd writer wrote, however the file is cut into reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(400), { maxLength: 6 }), async (msgs, cuts) => {
        expect(await split(writeMboxrd(msgs), cuts)).toEqual(msgs);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a file that does not start with a From line', async () => {
    await expect(split('Subject: x\n\nbody\n')).rejects.toThrow(/not an mbox/);
  });

  it('reads the From-line date in local time, or with its zone', () => {
    expect(fromLineDate('a@b Mon Jan  2 03:04:05 2023')?.getTime()).toBe(new Date(2023, 0, 2, 3, 4, 5).getTime());
    expect(fromLineDate('a@b Mon Jan  2 03:04:05 2023 +0100')?.toISOString()).toBe('2023-01-02T02:04:05.000Z');
    expect(fromLineDate('MAILER-DAEMON')).toBeNull();
  });
});

describe('CRLF', () => {
  it('turns bare LF into CRLF and leaves CRLF alone', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '\n', '\r\n', '\r', 'b'), { maxLength: 30 }), (parts) => {
        const out = toCrlf(Buffer.from(parts.join(''))).toString();
        expect(out.replace(/\r\n/g, '')).not.toMatch(/(?<!\r)\n/);
        expect(out.replace(/\r\n/g, '\n')).toBe(parts.join('').replace(/\r\n/g, '\n'));
      }),
    );
  });
});

describe('Dovecot files', () => {
  it('reads a version 3 dovecot-uidlist as Debian Dovecot 2.3 writes it', () => {
    expect(parseUidlistHeader('3 V1796659772 N3 G0847622b3bda166baf5b000083ecc375')).toEqual({ version: 3, uidValidity: 1796659772, nextUid: 3 });
    expect(parseUidlistLine('1 :1796659771.M727861P23471.vm,S=18,W=21', 3)).toEqual({ uid: 1, base: '1796659771.M727861P23471.vm,S=18,W=21' });
    expect(parseUidlistLine('7 W1234 Pabc.def G0123 O3 :name:2,S', 3)).toEqual({ uid: 7, base: 'name', pop3Uidl: 'abc.def', vsize: 1234 });
    // A P value POP3 could not serve (RFC 1939 §7: 1–70 of 0x21–0x7E) is not taken: the default UIDL is served.
    expect(parseUidlistLine(`8 P${'x'.repeat(71)} :long`, 3)).toEqual({ uid: 8, base: 'long' });
    expect(parseUidlistLine('9 Pcaf\u00e9 :accent', 3)).toEqual({ uid: 9, base: 'accent' });
    expect(parseUidlistLine(`10 P${'y'.repeat(70)} :edge`, 3)).toEqual({ uid: 10, base: 'edge', pop3Uidl: 'y'.repeat(70) });
    expect(() => parseUidlistHeader('2 x')).toThrow(/version/);
    expect(() => parseUidlistLine('x :name', 3)).toThrow(/bad uid/);
  });

  it('maps Maildir flag letters and keyword letters through dovecot-keywords', () => {
    const kw = parseDovecotKeywords('0 $Forwarded\n1 Custom\n');
    expect(maildirFlags('x,S=18,W=21:2,DFRSTab', kw, false)).toEqual(['$Forwarded', 'Custom', '\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen']);
    expect(maildirFlags('x:2,P', kw, false)).toEqual([]);
    expect(maildirFlags('x:2,P', kw, true)).toEqual(['$Forwarded']);
    expect(maildirFlags('x', kw, false)).toEqual([]);
  });

  it("writes Dovecot's default POP3 UIDL %08Xu%08Xv as Dovecot 2.3 does (lower-case hex)", () => {
    expect(dovecotDefaultUidl(1, 0x6b16dc6f)).toBe('000000016b16dc6f');
  });
});
