// R10.4: JSON log lines with a child per session; passwords, SASL responses and bodies are redacted.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, sessionLogger } from '../../../src/log/logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, lines: () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes JSON lines with level names and session fields', () => {
    const out = capture();
    const root = createLogger({ level: 'info', destination: out.stream });
    sessionLogger(root, 'imap', 'abc123', '192.0.2.7').info({ user: 'alice' }, 'login');
    root.debug('not at info level');
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'info', msg: 'login', protocol: 'imap', session: 'abc123', remote: '192.0.2.7', user: 'alice', service: 'postern' });
  });

  it('redacts secrets and bodies at the top level and one level down', () => {
    const out = capture();
    const root = createLogger({ level: 'info', destination: out.stream });
    root.info(
      { password: 'hunter2', response: 'AGFsaWNlAGh1bnRlcjI=', body: 'Subject: secret', auth: { pass: 'hunter2', credentials: { x: 1 } } },
      'oops',
    );
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('AGFsaWNlAGh1bnRlcjI=');
    expect(text).not.toContain('Subject: secret');
    expect(out.lines()[0]).toMatchObject({ password: '[redacted]', body: '[redacted]', auth: { pass: '[redacted]', credentials: '[redacted]' } });
  });

  it('keeps error messages', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).error({ err: new Error('disk full') }, 'store failed');
    expect(out.lines()[0]).toMatchObject({ err: { message: 'disk full' } });
  });
});
