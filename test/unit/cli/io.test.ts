// CLI helpers: sizes as administrators type them, and the password line read from standard input.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize, UsageError } from '../../../src/cli/io.js';
import { readPasswordLine } from '../../../src/cli/password-input.js';

describe('parseByteSize', () => {
  it.each([
    ['1048576', 1048576],
    ['500M', 500 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
    ['10k', 10 * 1024],
    ['none', null],
    ['Unlimited', null],
  ])('%s', (text, expected) => {
    expect(parseByteSize(text)).toBe(expected);
  });

  it.each(['', '-5', '1.5G', 'ten', '0', '99999999999999999999'])('refuses %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(UsageError);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});

describe('readPasswordLine', () => {
  it('takes the first line without its line end', async () => {
    expect(await readPasswordLine(Readable.from([Buffer.from('s3cret pass\r\nignored\n')]))).toBe('s3cret pass');
    expect(await readPasswordLine(Readable.from([Buffer.from('ab'), Buffer.from('cd\n')]))).toBe('abcd');
    expect(await readPasswordLine(Readable.from([Buffer.from('no newline')]))).toBe('no newline');
  });

  it('refuses an endless line instead of buffering it', async () => {
    const big = Readable.from((function* () {
      for (let i = 0; i < 100; i += 1) yield Buffer.alloc(100, 0x61);
    })());
    await expect(readPasswordLine(big)).rejects.toThrow(/longer than/);
  });
});
