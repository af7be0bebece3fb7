// CLI helpers: sizes as administrators type them, and the password line read from standard input.
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize, UsageError } from '../../../src/cli/io.js';
import { readNewPassword, readPasswordLine } from '../../../src/cli/password-input.js';

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

describe('readNewPassword on a terminal', () => {
  function terminal(typed: string[]) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
    let prompts = '';
    const stderr = new Writable({
      write(chunk: Buffer, _enc, cb) {
        prompts += chunk.toString();
        const next = chunk.toString().endsWith(': ') ? typed.shift() : undefined;
        if (next !== undefined) setTimeout(() => stdin.write(next), 5);
        cb();
      },
    });
    const setRawMode = (mode: boolean): void => {
      stdin.rawModes.push(mode);
    };
    return { io: { stdin: Object.assign(stdin, { setRawMode }), stderr }, prompts: () => prompts, stdin };
  }

  it('asks twice with echo off, honours backspace, and returns the password', async () => {
    const t = terminal(['s3cret\x7fT\r', 's3creT\r']);
    await expect(readNewPassword(t.io)).resolves.toBe('s3creT');
    expect(t.prompts()).toBe('New password: \nRepeat password: \n');
    expect(t.stdin.rawModes).toEqual([true, false, true, false]);
  });

  it('refuses two different answers', async () => {
    await expect(readNewPassword(terminal(['one\r', 'two\r']).io)).rejects.toThrow(/differ/);
  });
});
