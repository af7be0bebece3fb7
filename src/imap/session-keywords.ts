// The keywords one session has been told of in FLAGS and PERMANENTFLAGS (RFC 9051 §7.3.5, §7.1; issue 13
// item 2): those in use when the mailbox was selected, then each new one — reported by the change feed or
// merely seen on a message — announced once, before the first FETCH that shows it, as Dovecot does.
import { flagList, raw, type Wire } from './protocol/encode.js';
import { untagged } from './responses.js';

/** The system flags every mailbox permits (RFC 9051 §2.3.2), in Dovecot's order. */
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export class SessionKeywords {
  /** In the order learned, as first spelled; looked up lower-cased. */
  private readonly known: string[] = [];
  private readonly keys = new Set<string>();
  /** Keywords the feed reported new to the mailbox, not yet announced. */
  private pending: string[] = [];

  constructor(
    inUse: Iterable<string>,
    private readonly readOnly: boolean,
  ) {
    this.learn(inUse);
  }

  /** The feed says these keywords are new to the mailbox: announced at the next update(). */
  reported(keywords: readonly string[]): void {
    this.pending.push(...keywords);
  }

  /** SELECT's and every later FLAGS response: the system flags and the keywords in use. */
  flagsResponse(): Wire {
    return untagged(raw('FLAGS '), flagList([...SYSTEM_FLAGS, ...this.known]));
  }

  /**
   * PERMANENTFLAGS: what STORE may set — the flags in use and \* for new keywords — or none for a read-only
   * view (RFC 3501 §6.3.2), as Dovecot says it.
   */
  permanentFlagsResponse(): Wire {
    if (this.readOnly) return raw('* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n');
    return Buffer.concat([raw('* OK [PERMANENTFLAGS '), flagList([...SYSTEM_FLAGS, ...this.known, '\\*']), raw('] Flags permitted\r\n')]);
  }

  /**
   * FLAGS and PERMANENTFLAGS when a keyword the session has not been told of was reported or is `shown` (about
   * to appear in a FETCH); nothing when all are known.
   */
  update(shown: Iterable<string> = []): Wire[] {
    const fromFeed = this.learn(this.pending);
    this.pending = [];
    const seen = this.learn(shown);
    return fromFeed || seen ? [this.flagsResponse(), this.permanentFlagsResponse()] : [];
  }

  /** Adds keywords to those the session knows; true when one was new. */
  private learn(keywords: Iterable<string>): boolean {
    let added = false;
    for (const keyword of keywords) {
      if (keyword.startsWith('\\')) continue;
      const key = keyword.toLowerCase();
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.known.push(keyword);
      added = true;
    }
    return added;
  }
}
