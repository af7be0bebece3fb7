// Issue 16 item 8 (SPEC R10.4): log.format auto|pretty|json. auto is pretty on a terminal and JSON otherwise;
// pretty lines come from pino-pretty, and without it the lines stay JSON after one warning line.
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServeLogger, resolveFormat, type PrettyFactory } from '../../../src/log/logger.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

/** A stand-in for pino-pretty: records its options and writes each line with a marker, not as JSON. */
function fakePretty(seen: Array<Record<string, unknown>>): () => Promise<PrettyFactory> {
  return async () => (options) => {
    seen.push(options);
    const out = options.destination as Writable;
    return { write: (line: string) => void out.write(`PRETTY ${(JSON.parse(line) as { msg: string }).msg}\n`) };
  };
}

const missing = async (): Promise<PrettyFactory> => {
  throw new Error("Cannot find package 'pino-pretty'");
};

describe('log.format', () => {
  it('auto means pretty on a terminal and JSON otherwise; pretty and json are taken as said', () => {
    expect(resolveFormat('auto', true)).toBe('pretty');
    expect(resolveFormat('auto', false)).toBe('json');
    expect(resolveFormat('pretty', false)).toBe('pretty');
    expect(resolveFormat('json', true)).toBe('json');
  });

  it('json: JSON lines even on a terminal; pino-pretty is not loaded', async () => {
    const out = capture();
    const seen: Array<Record<string, unknown>> = [];
    const log = await createServeLogger({ level: 'info', format: 'json', isTTY: true, output: out.stream, loadPretty: fakePretty(seen) });
    log.info({ event: 'x' }, 'hello');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    expect(JSON.parse(out.text().trim())).toMatchObject({ msg: 'hello', event: 'x', service: 'postern' });
  });

  it('auto on a terminal: lines go through pino-pretty, coloured, with the redaction still applied', async () => {
    const out = capture();
    const seen: Array<Record<string, unknown>> = [];
    const log = await createServeLogger({ level: 'info', format: 'auto', isTTY: true, output: out.stream, loadPretty: fakePretty(seen) });
    log.info({ password: 'hunter2' }, 'hello');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ colorize: true });
    expect(out.text()).toBe('PRETTY hello\n');
  });

  it('pretty without pino-pretty installed: JSON lines, and one warning line that says so', async () => {
    const out = capture();
    const log = await createServeLogger({ level: 'info', format: 'pretty', isTTY: false, output: out.stream, loadPretty: missing });
    log.info('after');
    await new Promise((r) => setImmediate(r));
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'pino-pretty is not installed; logging JSON lines' });
    expect(lines[1]).toMatchObject({ level: 'info', msg: 'after' });
  });

  it('the default loader: pino-pretty lines when the package is installed, else the JSON fallback', async () => {
    let installed = true;
    try {
      createRequire(import.meta.url).resolve('pino-pretty');
    } catch {
      installed = false;
    }
    const out = capture();
    const log = await createServeLogger({ level: 'info', format: 'pretty', isTTY: false, output: out.stream });
    log.info({ user: 'ada@example.org', password: 'hunter2' }, 'readable');
    await new Promise((r) => setTimeout(r, 50));
    const text = out.text();
    expect(text).not.toContain('hunter2');
    if (installed) {
      expect(text).toContain('INFO');
      expect(text).toContain('readable');
      expect(text).toContain('ada@example.org');
      expect(text.trim().startsWith('{')).toBe(false);
    } else {
      expect(text).toContain('pino-pretty is not installed');
    }
  });
});
