// What an IMAP client knows of its selected mailbox, rebuilt only from the server's untagged responses
// (RFC 3501 §7.3.1 EXISTS, §7.3.2 RECENT, §7.4.1 EXPUNGE, §7.4.2 FETCH, §7.2.6 FLAGS): the sequence map, each
// message's flags, the flags the server declared. The two-session tests compare it with the store, so any
// response a real client would misread (a wrong renumbering, a keyword not declared first) shows as a difference.

export interface ModelEntry {
  /** null until a FETCH tells the UID of a message announced by EXISTS. */
  uid: number | null;
  /** null until a FETCH tells the flags. */
  flags: Set<string> | null;
}

const SYSTEM_FLAGS = new Set(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '\\Recent']);

export class ClientViewModel {
  entries: ModelEntry[] = [];
  /** The last `* FLAGS` list: every keyword a FETCH shows must be in it first (RFC 3501 §7.2.6). */
  declared = new Set<string>();
  /** Every problem a client would have met, described; the test expects none. */
  readonly faults: string[] = [];

  constructor(private readonly who: string) {}

  get length(): number {
    return this.entries.length;
  }

  /** Applies the untagged lines of one reply, in order. */
  apply(untagged: string): void {
    for (const line of untagged.split('\r\n')) this.applyLine(line);
  }

  private fault(text: string): void {
    this.faults.push(`${this.who}: ${text}`);
  }

  private applyLine(line: string): void {
    let m: RegExpExecArray | null;
    if ((m = /^\* (\d+) EXISTS$/.exec(line))) {
      const n = Number(m[1]);
      if (n < this.entries.length) this.fault(`EXISTS ${n} shrinks the mailbox from ${this.entries.length}`);
      while (this.entries.length < n) this.entries.push({ uid: null, flags: null });
      return;
    }
    if ((m = /^\* (\d+) EXPUNGE$/.exec(line))) {
      const seq = Number(m[1]);
      if (seq < 1 || seq > this.entries.length) return this.fault(`EXPUNGE ${seq} outside 1..${this.entries.length}`);
      this.entries.splice(seq - 1, 1);
      return;
    }
    if ((m = /^\* FLAGS \(([^)]*)\)$/.exec(line))) {
      this.declared = new Set(m[1]!.split(' ').filter((f) => f !== ''));
      return;
    }
    if ((m = /^\* (\d+) FETCH \((.*)\)$/.exec(line))) {
      const seq = Number(m[1]);
      const entry = this.entries[seq - 1];
      if (!entry) return this.fault(`FETCH for ${seq} outside 1..${this.entries.length}: ${line}`);
      const uid = /(?:^|[ (])UID (\d+)/.exec(m[2]!);
      if (uid) {
        const u = Number(uid[1]);
        if (entry.uid !== null && entry.uid !== u) this.fault(`FETCH ${seq} says UID ${u}, the client holds UID ${entry.uid} there`);
        entry.uid = u;
      }
      const flags = /FLAGS \(([^)]*)\)/.exec(m[2]!);
      if (flags) {
        const list = flags[1]!.split(' ').filter((f) => f !== '');
        for (const f of list) {
          if (!SYSTEM_FLAGS.has(f) && !this.declared.has(f)) this.fault(`FETCH ${seq} shows keyword ${f} not declared by * FLAGS`);
        }
        entry.flags = new Set(list);
      }
    }
  }

  /** Sequence numbers a SEARCH may name: 1..length. */
  checkSeqs(seqs: readonly number[], what: string): void {
    for (const s of seqs) if (s < 1 || s > this.entries.length) this.fault(`${what} names ${s} outside 1..${this.entries.length}`);
  }

  /** UIDs by sequence number; null where not yet known. */
  uids(): Array<number | null> {
    return this.entries.map((e) => e.uid);
  }

  recentUids(): number[] {
    return this.entries.filter((e) => e.flags?.has('\\Recent') && e.uid !== null).map((e) => e.uid!);
  }

  /** Flags per UID without \Recent (what the store keeps), sorted. */
  storedFlags(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const e of this.entries) {
      if (e.uid === null) continue;
      out.set(e.uid, [...(e.flags ?? [])].filter((f) => f !== '\\Recent').sort());
    }
    return out;
  }
}

/** The numbers of `* SEARCH` lines in a reply. */
export function searchResult(untagged: string): number[] {
  const m = /^\* SEARCH((?: \d+)*)\s*$/m.exec(untagged);
  return m ? m[1]!.trim().split(' ').filter((x) => x !== '').map(Number) : [];
}
