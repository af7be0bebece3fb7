// Dovecot's Maildir++ formats (issue 16 item 2): a folder's directory name is one path component that decodes back
// to the mailbox name; file names carry no path or info separator; the info lists flags in ASCII order, one
// letter each; W= is the size with every line end as CRLF; uidlist records keep the POP3 UIDL whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseFileName,
  folderDirName,
  folderNameProblem,
  infoFlags,
  keywordsFile,
  subscriptionsFile,
  uidlistHeader,
  uidlistLine,
  virtualSize,
} from '../../../src/export/maildir-format.js';
import { decodeMutf7 } from '../../../src/imap/protocol/mutf7.js';

const level = fc.string({ unit: fc.oneof(fc.constantFrom('.', '&', '/', '-', ',', 'a', 'Ö', '€', '😀', ' ', '~'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 12 })
  .filter((s) => !s.includes('/'));
const name = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));

describe('folder names', () => {
  it('a writable name becomes one directory name that decodes back to it', () => {
    fc.assert(
      fc.property(name, (n) => {
        const problem = folderNameProblem(n);
        if (n.toUpperCase() === 'INBOX') return;
        if (n.split('/').some((p) => p.includes('.'))) {
          expect(problem).toMatch(/"\."/);
          return;
        }
        expect(problem).toBeNull();
        const dir = folderDirName(n);
        expect(dir).not.toMatch(/[/\0]/);
        expect(dir.startsWith('.')).toBe(true);
        expect(dir).not.toMatch(/^\.\.?$/);
        const back = dir.slice(1).split('.').map((p) => decodeMutf7(p));
        expect(back.join('/')).toBe(n);
      }),
    );
  });

  it('INBOX is the root; examples from Dovecot', () => {
    expect(folderDirName('INBOX')).toBe('');
    expect(folderDirName('Lists/Work')).toBe('.Lists.Work');
    expect(folderDirName('Entwürfe/Ünï & co')).toBe('.Entw&APw-rfe.&ANw-n&AO8- &- co');
    expect(folderNameProblem('a.b/c')).toMatch(/a\.b/);
    expect(subscriptionsFile(['INBOX', 'Lists/Work', 'Entwürfe/Ünï & co'])).toBe('V\t2\n\nINBOX\nLists\tWork\nEntw&APw-rfe\t&ANw-n&AO8- &- co\n');
  });
});

const SYSTEM = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

describe('message file names', () => {
  it('info letters: system flags then keywords, each in ASCII order, no duplicates', () => {
    const keywords = fc.uniqueArray(fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_-]{0,8}$/), { maxLength: 40 });
    fc.assert(
      fc.property(keywords, fc.subarray(SYSTEM), fc.integer({ min: 0, max: 26 }), (kws, sys, n) => {
        const index = new Map(kws.slice(0, n).map((k, i) => [k, i]));
        const info = infoFlags([...sys, ...kws], index);
        expect(info.startsWith('2,')).toBe(true);
        const letters = info.slice(2);
        expect([...letters].sort().join('')).toBe(letters);
        expect(new Set(letters).size).toBe(letters.length);
        expect(letters.replace(/[a-z]/g, '').length).toBe(sys.length);
        expect(letters.replace(/[A-Z]/g, '').length).toBe(Math.min(n, kws.length));
      }),
    );
    expect(infoFlags(['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'], new Map())).toBe('2,DFRST');
  });

  it('the base name has no path or info separator, whatever the host', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.nat(), fc.nat(), (host, size, extra) => {
        const base = baseFileName({ time: 1700000000, unique: 'P1Q2Rab', host, size, vsize: size + extra });
        expect(base).not.toMatch(/[/:]/);
        expect(base.endsWith(`,S=${size},W=${size + extra}`)).toBe(true);
        expect(base.split(',S=')).toHaveLength(2);
      }),
    );
  });

  it('W= counts a bare LF as CRLF and a CRLF once', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '\r', '\n', '\r\n'), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const crlf = text.replace(/\r?\n/g, '\r\n');
        expect(virtualSize(Buffer.from(text, 'latin1'))).toBe(Buffer.byteLength(crlf, 'latin1'));
      }),
    );
  });
});

describe('dovecot-uidlist and dovecot-keywords', () => {
  it('header and records as Dovecot writes them', () => {
    expect(uidlistHeader(1796659737, 5, '0124770018da166b1259000083ecc375')).toBe('3 V1796659737 N5 G0124770018da166b1259000083ecc375\n');
    expect(uidlistLine(3, '1.P1Q1.h,S=1,W=1')).toBe('3 :1.P1Q1.h,S=1,W=1\n');
    expect(uidlistLine(3, '1.P1Q1.h,S=1,W=1', '1796659737.3')).toBe('3 P1796659737.3 :1.P1Q1.h,S=1,W=1\n');
    expect(() => uidlistLine(3, 'x', 'has space')).toThrow(/POP3 unique-id/);
    expect(keywordsFile(['$Label1', 'Work'])).toBe('0 $Label1\n1 Work\n');
    expect(() => keywordsFile(Array.from({ length: 27 }, (_, i) => `k${i}`))).toThrow(/26/);
  });
});
