// KeyedQueue (issue 18: \Recent claims one at a time per mailbox): order per key, independence across keys, a
// failed task does not stop the next, and a key with nothing queued is forgotten.
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../../src/store/postgres/keyed-queue.js';

describe('KeyedQueue', () => {
  it('runs the tasks of one key one at a time in order, other keys beside them, past a failure', async () => {
    const q = new KeyedQueue<number>();
    const events: string[] = [];
    let releaseFirst = (): void => undefined;
    const first = q.run(1, async () => {
      events.push('1a start');
      await new Promise<void>((r) => (releaseFirst = r));
      events.push('1a end');
      throw new Error('1a failed');
    });
    const second = q.run(1, async () => {
      events.push('1b');
      return 'b';
    });
    const other = q.run(2, async () => {
      events.push('2');
      return 'two';
    });
    expect(await other).toBe('two'); // key 2 did not wait for key 1
    expect(events).toEqual(['1a start', '2']);
    await new Promise((r) => setImmediate(r));
    expect(q.size).toBe(1); // key 2 forgotten, key 1 still busy
    releaseFirst();
    await expect(first).rejects.toThrow('1a failed');
    expect(await second).toBe('b');
    expect(events).toEqual(['1a start', '2', '1a end', '1b']);
    await new Promise((r) => setImmediate(r));
    expect(q.size).toBe(0);
  });
});
