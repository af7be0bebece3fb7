// The FETCH rendering cache: hits return the first rendering, the byte bound holds, least recently used
// entries go first, and large renderings are not kept.
import { describe, expect, it } from 'vitest';
import { RenderCache } from '../../../src/imap/fetch/render-cache.js';

describe('RenderCache', () => {
  it('renders once per body, item and UTF-8 mode', () => {
    const cache = new RenderCache(1024);
    let calls = 0;
    const render = (): Buffer => {
      calls += 1;
      return Buffer.from(`ENVELOPE (${calls})`);
    };
    expect(cache.get(1, 'ENVELOPE', false, render).toString()).toBe('ENVELOPE (1)');
    expect(cache.get(1, 'ENVELOPE', false, render).toString()).toBe('ENVELOPE (1)');
    expect(cache.get(1, 'ENVELOPE', true, render).toString()).toBe('ENVELOPE (2)');
    expect(cache.get(1, 'BODYSTRUCTURE', false, render).toString()).toBe('ENVELOPE (3)');
    expect(cache.get(2, 'ENVELOPE', false, render).toString()).toBe('ENVELOPE (4)');
    expect(calls).toBe(4);
  });

  it('stays within its byte bound, dropping the least recently used first', () => {
    const cache = new RenderCache(16 * 40);
    const item = (n: number) => () => Buffer.alloc(30, n);
    for (let i = 0; i < 20; i += 1) cache.get(i, 'BODY', false, item(i));
    cache.get(0, 'BODY', false, item(99)); // touch body 0: now most recent
    for (let i = 20; i < 30; i += 1) cache.get(i, 'BODY', false, item(i));
    expect(cache.size.bytes).toBeLessThanOrEqual(16 * 40);
    let rerendered = false;
    cache.get(0, 'BODY', false, () => {
      rerendered = true;
      return Buffer.alloc(30);
    });
    expect(rerendered).toBe(false);
    cache.get(1, 'BODY', false, () => {
      rerendered = true;
      return Buffer.alloc(30);
    });
    expect(rerendered).toBe(true);
  });

  it('does not keep a rendering larger than a sixteenth of the bound', () => {
    const cache = new RenderCache(1600);
    cache.get(1, 'BODYSTRUCTURE', false, () => Buffer.alloc(200));
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
