// `postern message show` pieces (issue 16 item 7): the header read in chunks finds the blank line wherever it falls
// (across a chunk boundary too); the view names only our own Authentication-Results as stamped; removed fields
// not recorded read "unknown"; and confirmation of destructive commands on a terminal.
import fc from 'fast-check';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmDestructive } from '../../../src/cli/destructive.js';
import { formatView, readHeader, viewOf } from '../../../src/cli/message.js';
import type { MessageMeta } from '../../../src/store/types.js';

function fakeStore(message: Buffer): { readMessage: (u: number, m: number, uid: number, r?: { offset: number; length: number }) => Promise<Buffer> } {
  return {
    readMessage: async (_u, _m, _uid, r) => (r ? message.subarray(r.offset, r.offset + r.length) : message),
  };
}

const META: MessageMeta = {
  mailboxId: 1,
  uid: 7,
  modseq: 1,
  flags: ['$Label1', '\\Flagged'],
  internalDate: new Date('2024-05-01T12:00:00Z'),
  internalZone: 120,
  size: 0,
  requireTls: false,
  tlsRequiredNo: true,
  forgedFields: 2,
  bodyId: 1,
  emailId: 'M1',
  saveDate: new Date('2024-05-01T12:00:00Z'),
};

describe('readHeader', () => {
  it('finds the end of the header at any length, a chunk boundary (64 KiB) included, and never reads the body into it', async () => {
    const K = 64 * 1024;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: K - 40, max: K + 8 }), fc.integer({ min: 2 * K - 40, max: 2 * K + 6 })), fc.boolean(), async (pad, withBody) => {
        const header = Buffer.from(`Subject: x\r\nX-Pad: ${'a'.repeat(pad)}\r\n`);
        const message = Buffer.concat([header, Buffer.from(withBody ? '\r\nbody\r\n' : '')]);
        const got = await readHeader(fakeStore(message), 1, 1, { uid: 1, size: message.length });
        if (withBody) {
          expect(got.header.equals(header)).toBe(true);
          expect(message.subarray(got.bodyStart).toString()).toBe('body\r\n');
        } else {
          expect(got.header.equals(message)).toBe(true);
          expect(got.bodyStart).toBe(message.length);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('viewOf and formatView', () => {
  it('names only our Authentication-Results as stamped, splits flags from keywords, and says unknown for unrecorded removals', () => {
    const header = Buffer.from(
      'Authentication-Results: mx.example;\r\n dkim=pass header.d=a.example\r\nAuthentication-Results: other.example; spf=pass\r\nSubject: s\r\n',
    );
    const view = viewOf('alice', 'INBOX', { ...META, size: header.length }, header, 'MX.example', null);
    expect(view.authenticationResults).toEqual(['mx.example; dkim=pass header.d=a.example']);
    expect(view.flags).toEqual(['\\Flagged']);
    expect(view.keywords).toEqual(['$Label1']);
    expect(view.internalZone).toBe('+0200');
    const text = formatView(view);
    expect(text).toMatch(/^removed fields: unknown /m);
    expect(text).toMatch(/^forged fields removed: 2$/m);
    expect(text).toMatch(/^REQUIRETLS: no \(TLS-Required: No\)$/m);
    expect(formatView({ ...view, removedFields: [] })).toMatch(/^removed fields: none$/m);
    expect(viewOf('a', 'b', { ...META, internalZone: -330 }, Buffer.alloc(0), 'x', []).internalZone).toBe('-0530');
  });
});

describe('confirmDestructive on a terminal', () => {
  const io = (answer: string) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end(answer);
    let asked = '';
    const stderr = new Writable({
      write(c: Buffer, _e, cb) {
        asked += c.toString();
        cb();
      },
    });
    return { io: { stdin, stdout: stderr, stderr, env: {} }, asked: () => asked };
  };

  it('goes on after y or yes, refuses anything else, and asks nothing with --yes', async () => {
    for (const answer of ['y\n', 'YES\n']) {
      const t = io(answer);
      await expect(confirmDestructive(t.io, false, 'delete user bob')).resolves.toBeUndefined();
      expect(t.asked()).toContain('delete user bob? [y/N] ');
    }
    for (const answer of ['\n', 'n\n', 'yess\n']) await expect(confirmDestructive(io(answer).io, false, 'x')).rejects.toThrow(/not confirmed/);
    const quiet = io('');
    await expect(confirmDestructive(quiet.io, true, 'x')).resolves.toBeUndefined();
    expect(quiet.asked()).toBe('');
  });

  it('refuses when standard input is not a terminal', async () => {
    const stdin = new PassThrough();
    const t = { stdin, stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
    await expect(confirmDestructive(t, false, 'delete user bob')).rejects.toThrow(/standard input is not a terminal \(add --yes/);
  });
});
