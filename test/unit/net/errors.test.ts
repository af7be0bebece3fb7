// net/errors.ts: ConnectionClosedError, the ordinary end of every session, carries no stack trace (issue 17: its
// capture was measurable when thousands of sessions end at once) and leaves the process's stack traces as they were.
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError } from '../../../src/net/errors.js';

describe('ConnectionClosedError', () => {
  it('is an Error with its name and message, and no stack frames', () => {
    const err = new ConnectionClosedError('reader replaced by STARTTLS');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(err.name).toBe('ConnectionClosedError');
    expect(err.message).toBe('reader replaced by STARTTLS');
    expect(new ConnectionClosedError().message).toBe('connection closed');
    expect(err.stack?.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
  });

  it('restores the stack trace limit for every other error', () => {
    const before = Error.stackTraceLimit;
    void new ConnectionClosedError();
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('other').stack).toMatch(/\n\s+at /);
  });
});
