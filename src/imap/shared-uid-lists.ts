// Sequence-number ↔ UID lists shared between the sessions that have one mailbox selected (issue 17 item 3;
// RFC 9051 §2.3.1.2). A list is never changed once made: a view that takes in arrivals or expunges moves to a
// new list. Lists are interned by content (a hash, then a full comparison), so views that hold the same UIDs
// hold one list however they got there; and a view making the change another view made to the same list gets
// that view's result without building it (the fan-out of a delivery to 10,000 sessions builds one list).
// 10,000 sessions on a 10,000-message INBOX hold one list of 10,000 UIDs, not 10,000 of them (80 KB each).

type List = readonly number[];

function sameList(a: List, b: List): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class SharedUidLists {
  /** Lists by mailbox and content hash, while some view holds them. */
  private readonly byContent = new Map<string, WeakRef<List>>();
  /** Lists made from a list by one change (arrivals "+uids", expunges "-uids"), while that list lives. */
  private readonly derived = new WeakMap<List, Map<string, WeakRef<List>>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    if (this.byContent.get(key)?.deref() === undefined) this.byContent.delete(key);
  });

  /** The shared list with the same UIDs as `uids` (which becomes it, frozen, when there is none). */
  intern(mailboxId: number, uids: number[]): List {
    let h1 = 0x811c9dc5;
    let h2 = 0;
    for (const uid of uids) {
      h1 = Math.imul(h1 ^ uid, 16777619);
      h2 = (Math.imul(h2, 31) + uid) | 0;
    }
    const key = `${mailboxId}/${uids.length}/${h1 >>> 0}/${h2 >>> 0}`;
    const known = this.byContent.get(key)?.deref();
    if (known !== undefined && sameList(known, uids)) return known;
    Object.freeze(uids);
    if (known === undefined) {
      this.byContent.set(key, new WeakRef(uids));
      this.forget.register(uids, key);
    }
    return uids;
  }

  /** `base` with `fresh` (ascending, all above its last UID) appended. */
  appended(mailboxId: number, base: List, fresh: readonly number[]): List {
    return this.derive(mailboxId, base, `+${fresh.join(',')}`, () => [...base, ...fresh]);
  }

  /** `kept` is `base` without `gone` (the UIDs it held, ascending), as the caller computed it. */
  removed(mailboxId: number, base: List, gone: readonly number[], kept: number[]): List {
    return this.derive(mailboxId, base, `-${gone.join(',')}`, () => kept);
  }

  private derive(mailboxId: number, base: List, change: string, make: () => number[]): List {
    let byChange = this.derived.get(base);
    if (byChange === undefined) {
      byChange = new Map();
      this.derived.set(base, byChange);
    }
    const known = byChange.get(change)?.deref();
    if (known !== undefined) return known;
    for (const [k, ref] of byChange) if (ref.deref() === undefined) byChange.delete(k); // bounded by the live ones
    const list = this.intern(mailboxId, make());
    byChange.set(change, new WeakRef(list));
    return list;
  }
}
