// Rendered ENVELOPE / BODY / BODYSTRUCTURE per stored body (RFC 9051 §7.5.2), shared by every session of the
// IMAP service. A body's bytes never change and body ids are never reused, so an entry never goes stale;
// the cache is bounded in bytes and forgets the least recently used entries first. Rendering these items
// was half the time of a metadata FETCH (docs/performance.md); the forms the store keeps since issue 17 item 2 are
// cached here as read, as text (one character per octet), so that a warm FETCH reads no store row for them.
import type { Piece } from '../../net/write-coalescer.js';

export type RenderedItem = 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

const ITEM_INDEX: Record<RenderedItem, number> = { ENVELOPE: 0, BODY: 1, BODYSTRUCTURE: 2 };

/** A numeric key (cheaper than a string): body id, item and UTF-8 mode; exact while bodyId < 2^53 / 6. */
function keyOf(bodyId: number, item: RenderedItem, utf8: boolean): number {
  return bodyId * 6 + ITEM_INDEX[item] * 2 + (utf8 ? 1 : 0);
}

export class RenderCache {
  private readonly entries = new Map<number, Piece>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached rendering (now the most recently used), or undefined. */
  lookup(bodyId: number, item: RenderedItem, utf8: boolean): Piece | undefined {
    const key = keyOf(bodyId, item, utf8);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key); // re-insert: Map order is the recency order
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** The cached rendering, or `render()`'s result, remembered for next time. */
  get(bodyId: number, item: RenderedItem, utf8: boolean, render: () => Piece): Piece {
    const hit = this.lookup(bodyId, item, utf8);
    if (hit !== undefined) return hit;
    const value = render();
    if (value.length <= this.maxBytes / 16) {
      this.entries.set(keyOf(bodyId, item, utf8), value);
      this.bytes += value.length;
      if (this.bytes > this.maxBytes) {
        for (const [oldKey, old] of this.entries) {
          if (this.bytes <= this.maxBytes) break;
          this.entries.delete(oldKey);
          this.bytes -= old.length;
        }
      }
    }
    return value;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
