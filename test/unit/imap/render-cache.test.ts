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

  it('lookup finds only what get stored, per body, item and mode, and counts as a use', () => {
    const cache = new RenderCache(16 * 40);
    expect(cache.lookup(7, 'ENVELOPE', false)).toBeUndefined();
    cache.get(7, 'ENVELOPE', false, () => Buffer.from('ENVELOPE (x)'));
    expect(cache.lookup(7, 'ENVELOPE', false)?.toString()).toBe('ENVELOPE (x)');
    expect(cache.lookup(7, 'ENVELOPE', true)).toBeUndefined();
    expect(cache.lookup(7, 'BODY', false)).toBeUndefined();
    expect(cache.lookup(8, 'ENVELOPE', false)).toBeUndefined();
    for (let i = 0; i < 20; i += 1) cache.get(i + 100, 'BODY', false, () => Buffer.alloc(30));
    cache.lookup(7, 'ENVELOPE', false); // touched: now most recent
    for (let i = 0; i < 10; i += 1) cache.get(i + 200, 'BODY', false, () => Buffer.alloc(30));
    expect(cache.lookup(7, 'ENVELOPE', false)).toBeDefined();
    expect(cache.lookup(100, 'BODY', false)).toBeUndefined();
  });

  it('does not keep a rendering larger than a sixteenth of the bound', () => {
    const cache = new RenderCache(1600);
    cache.get(1, 'BODYSTRUCTURE', false, () => Buffer.alloc(200));
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
