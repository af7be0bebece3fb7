// The selected mailbox as one session sees it (RFC 9051 §2.3.1.2, §7.4.1, §7.5; SPEC R7.5, R3.4): the
// sequence-number ↔ UID map, changes made by others waiting to be announced, and the moments at which
// they may be: EXPUNGE never during FETCH, STORE or SEARCH (RFC 3501 §7.4.1), EXISTS and FETCH FLAGS
// after any command. R3.4: a session without TLS judges every change before anything about it is sent.
import type { MailboxChange } from '../store/changes.js';
import type { Store } from '../store/store.js';
import type { MailboxInfo, MailboxSnapshot, UserId } from '../store/types.js';
import { flagList, number, raw, spaced, type Wire } from './protocol/encode.js';
import { untagged } from './responses.js';
import { SessionKeywords } from './session-keywords.js';
import { SharedUidLists } from './shared-uid-lists.js';
import { uidRanges, vanishedLines } from './vanished.js';

type Listener = (change: MailboxChange) => void;

export interface ViewOptions {
  /** The session has TLS: REQUIRETLS mail may be served (R3.4). */
  tls: boolean;
  readOnly: boolean;
  /** Include MODSEQ in unsolicited FETCH: CONDSTORE enabled, possibly after SELECT (RFC 7162 §3.1). */
  condstore: () => boolean;
  /** Announce expunges with VANISHED instead of EXPUNGE: QRESYNC enabled (RFC 7162 §3.2.10). */
  qresync?: () => boolean;
  /**
   * Issue 13 item 1 (RFC 3501 §2.3.2): asked about messages that arrive while the mailbox is selected, with the
   * highest of them; answers the first UID \Recent to this session (claimed by it in the store, or for a
   * read-only view merely unclaimed). Without it, no arrival is \Recent to the view.
   */
  recentFrom?: (throughUid: number) => Promise<number>;
  /**
   * IMAP4rev2 is enabled (RFC 9051 Appendix E): no message is \Recent to the view (no RECENT, no \Recent in
   * FLAGS), and the view claims none, so that rev1 sessions on the same mailbox still get them.
   */
  imap4rev2?: boolean;
  /** Issue 17 item 3: the lists shared by the views on this store; without it the view keeps its own list. */
  uidLists?: SharedUidLists;
}

/** One SharedUidLists per store: sessions of one process on one store share their lists. */
const listsByStore = new WeakMap<Store, SharedUidLists>();
function uidListsOf(store: Store): SharedUidLists {
  let lists = listsByStore.get(store);
  if (lists === undefined) {
    lists = new SharedUidLists();
    listsByStore.set(store, lists);
  }
  return lists;
}

export class MailboxView {
  readonly mailboxId: number;
  /** The mailbox's current name: the view follows its mailbox by id through renames (issue 13 item 5). */
  name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  /** UIDs in sequence order: seq n is uids[n-1]. Never changed in place: shared with other views (shared-uid-lists.ts). */
  private uids: readonly number[];
  /** Messages \Recent to this session (RFC 3501 §2.3.2): claimed by it in the store (issue 13 item 1). */
  private readonly recent = new Set<number>();
  /** The highest UID this view has asked the store about (a claim, or a peek when read-only). */
  private recentAskedThrough: number;
  /** UIDs the view took in before it could ask whether they are \Recent to it (a race with the feed). */
  private unasked: number[] = [];
  private announcedExists: number;
  private announcedRecent: number;
  private readonly pendingExpunge = new Set<number>();
  /**
   * Flag changes not yet announced, by UID: the latest flags and MODSEQ, and `since`, the MODSEQ of the
   * first change this session has not seen (issue 13 item 3: whose change it was decides what .SILENT hides).
   */
  private readonly pendingFlags = new Map<number, { flags: string[]; modseq: number; since: number }>();
  private readonly newUids = new Set<number>();
  /**
   * UIDs above the view's last that were expunged before the view announced them: a late or repeated EXISTS
   * for one of them is not a new message (the feed may repeat or reorder notices: issue 13 item 5).
   */
  private readonly goneUnannounced = new Set<number>();
  /** The MODSEQ of the latest flag change recorded per UID: an older or repeated one changes nothing. */
  private readonly flagModseq = new Map<number, number>();
  /**
   * Every UID up to it is settled for this view: held, announced, or gone before the snapshot (its UIDNEXT) or
   * since. An EXISTS for one of them is a repeat, never a new message; UIDs are never reused (RFC 9051 §2.3.1.1).
   */
  private uidHighWater: number;
  /** The keywords this session has been told of in FLAGS (issue 13 item 2). */
  private readonly keywords: SessionKeywords;
  private privacyBreach = false;
  private deleted = false;
  private stopListening: () => void;
  highestModseq: number;
  /** SEARCHRES (RFC 5182 §2.1): the UIDs of the last SEARCH RETURN (SAVE), empty when the mailbox is selected. */
  searchResult: readonly number[] = [];
  /** Changes recorded so far: a CONTEXT=SEARCH update runs its search again when it moved (search/updates.ts). */
  changeCount = 0;

  /**
   * Opens the view on one snapshot of the mailbox (R3.4): its counters judge exactly the UIDs the view holds,
   * and every change committed after it reaches the view. Without TLS, a snapshot holding REQUIRETLS mail
   * gives no view (`view: null`) and nothing of it may be sent.
   */
  static async open(store: Store, userId: UserId, name: string, opts: ViewOptions): Promise<{ snapshot: MailboxSnapshot; view: MailboxView | null }> {
    opts = { ...opts, uidLists: opts.uidLists ?? uidListsOf(store) };
    const early: MailboxChange[] = [];
    let sink: Listener | null = null;
    const rev2 = opts.imap4rev2 === true;
    const opened = await store.openMailbox(userId, name, (change) => (sink === null ? early.push(change) : sink(change)), {
      claimRecent: !opts.readOnly && !rev2, // RFC 3501 §6.3.2: EXAMINE shows \Recent without taking it; rev2 has none
      refuseProtected: !opts.tls, // R3.4: a SELECT refused below must not take \Recent from anyone
    });
    if (!opts.tls && opened.info.requireTlsMessages > 0) {
      opened.close();
      return { snapshot: opened, view: null };
    }
    // Issue 17 item 3: the view keeps the function that stops listening, not the snapshot (its own copy of every UID).
    const stop = opened.close;
    const listen = (record: Listener): (() => void) => {
      for (const change of early) record(change); // published between the snapshot and now
      early.length = 0;
      sink = record;
      return stop;
    };
    if (rev2) return { snapshot: opened, view: new MailboxView(opened.info, opened.uids, listen, opts, Infinity, opened.keywords) };
    const mailboxId = opened.info.id; // not `opened`: these closures live as long as the view
    const recentFrom = opts.readOnly
      ? () => store.firstRecentUid(userId, mailboxId)
      : (through: number) => store.claimRecent(userId, mailboxId, through);
    const view = new MailboxView(opened.info, opened.uids, listen, { recentFrom, ...opts }, opened.firstRecentUid, opened.keywords);
    return { snapshot: opened, view };
  }

  /**
   * `uids` as read together with `info`; `listen` subscribes the view's recorder to the mailbox's changes
   * committed since (and possibly some before) and returns the function that stops listening.
   */
  constructor(
    info: MailboxInfo,
    uids: number[],
    listen: (record: Listener) => () => void,
    private readonly opts: ViewOptions,
    /** The UIDs from this one up are \Recent to the view (the store's answer to the open); none by default. */
    firstRecentUid = Infinity,
    /** The keywords in use in the mailbox as of the snapshot (issue 13 item 2). */
    keywords: readonly string[] = [],
  ) {
    this.mailboxId = info.id;
    this.name = info.name;
    this.readOnly = opts.readOnly;
    this.uidValidity = info.uidValidity;
    this.highestModseq = info.highestModseq;
    this.uids = opts.uidLists ? opts.uidLists.intern(info.id, [...uids]) : [...uids];
    this.uidHighWater = Math.max(info.uidNext - 1, uids[uids.length - 1] ?? 0);
    this.announcedExists = uids.length;
    for (let i = uids.length - 1; i >= 0 && uids[i]! >= firstRecentUid; i--) this.recent.add(uids[i]!);
    this.announcedRecent = this.recent.size;
    this.keywords = new SessionKeywords(keywords, this.readOnly);
    this.recentAskedThrough = info.uidNext - 1; // later UIDs are asked about as they arrive
    this.stopListening = listen((change) => this.record(change));
  }

  /** One change from the feed, judged before it is kept (R3.4), announced by the next flush. */
  private record(change: MailboxChange): void {
    this.changeCount++;
    switch (change.kind) {
      case 'exists':
        // R3.4: REQUIRETLS mail reaching a mailbox selected without TLS ends the session before any EXISTS —
        // judged before anything else, even for a UID the view already holds.
        if (change.requireTls && !this.opts.tls) this.privacyBreach = true;
        // A UID the view already holds (committed before the view's snapshot and published after it, or a
        // repeated notice), one already pending, or one already expunged: nothing new. Pending UIDs may come
        // in any order; the flush announces them ascending.
        if (change.uid <= this.uidHighWater || this.goneUnannounced.has(change.uid)) break;
        this.newUids.add(change.uid);
        break;
      case 'expunge':
        for (const uid of change.uids) {
          if (uid <= this.uidHighWater) {
            this.pendingExpunge.add(uid); // one the view does not hold (or no longer) is forgotten by the flush
            continue;
          }
          // A message that came and went between two flushes is never announced at all.
          this.newUids.delete(uid);
          this.goneUnannounced.add(uid);
          this.recent.delete(uid);
        }
        break;
      case 'flags':
        if (change.modseq <= (this.flagModseq.get(change.uid) ?? 0)) break; // repeated or overtaken
        // A message the view neither holds nor awaits: gone, or not yet announced (its EXISTS makes the
        // client fetch its flags).
        if (this.seqOf(change.uid) === 0 && !this.newUids.has(change.uid)) break;
        this.flagModseq.set(change.uid, change.modseq);
        this.pendingFlags.set(change.uid, {
          flags: change.flags,
          modseq: change.modseq,
          since: this.pendingFlags.get(change.uid)?.since ?? change.modseq,
        });
        break;
      case 'keywords':
        this.keywords.reported(change.keywords);
        break;
      case 'deleted':
        this.deleted = true;
        break;
      case 'renamed':
        this.name = change.name;
        break;
      default: {
        const never: never = change;
        return never;
      }
    }
    if ('modseq' in change && change.modseq > this.highestModseq) this.highestModseq = change.modseq;
  }

  private lastHeldUid(): number {
    return this.uids[this.uids.length - 1] ?? 0;
  }

  /** R3.4: the mailbox was found to hold REQUIRETLS mail; the session ends before anything more is sent. */
  refuseForPrivacy(): void {
    if (!this.opts.tls) this.privacyBreach = true;
  }

  /**
   * R3.4, defence in depth: whether messages just read from the store (in the same read as their bytes or
   * their SEARCH match) may be served to this session. Without TLS, one with the REQUIRETLS flag ends the
   * session instead: false, and nothing of these messages may be sent.
   */
  admits(messages: Iterable<{ requireTls: boolean }>): boolean {
    if (this.opts.tls) return true;
    for (const m of messages) {
      if (m.requireTls) {
        this.privacyBreach = true;
        return false;
      }
    }
    return !this.privacyBreach;
  }

  /** The mailbox is gone (deleted by another session or process): the session must end (issue 13 item 5). */
  get wasDeleted(): boolean {
    return this.deleted;
  }

  /** The session found the mailbox gone from the store before the feed said so (another process deleted it). */
  markDeleted(): void {
    this.deleted = true;
  }

  /** Why the session must end before anything more about this mailbox is sent, or null (R3.4, issue 13 item 5). */
  get mustClose(): 'privacy' | 'deleted' | null {
    if (this.privacyBreach) return 'privacy';
    return this.deleted ? 'deleted' : null;
  }

  get exists(): number {
    return this.uids.length;
  }

  get recentCount(): number {
    return this.recent.size;
  }

  /** UIDs in sequence order (read-only view). */
  allUids(): readonly number[] {
    return this.uids;
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  /** Sequence number of a UID, or 0 when absent (binary search: UIDs ascend). */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * Removes expunged messages from the view in one pass, linear in the mailbox size however many go (issue 13
   * item 8), and returns the sequence numbers to announce, highest first: announced in that order, each is the
   * message's number at that moment (RFC 9051 §7.5.1). UIDs the view does not hold are forgotten silently.
   */
  removeExpunged(gone: ReadonlySet<number>): number[] {
    const seqs: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < this.uids.length; i++) {
      const uid = this.uids[i]!;
      if (gone.has(uid)) seqs.push(i + 1);
      else kept.push(uid);
    }
    const lists = this.opts.uidLists;
    this.uids = lists && seqs.length > 0 ? lists.removed(this.mailboxId, this.uids, seqs.map((seq) => this.uids[seq - 1]!), kept) : kept;
    this.announcedExists -= seqs.length;
    for (const uid of gone) {
      this.recent.delete(uid);
      this.pendingExpunge.delete(uid);
      this.pendingFlags.delete(uid);
      this.flagModseq.delete(uid);
    }
    return seqs.reverse();
  }

  /**
   * Removes expunged messages and returns their announcement: `n EXPUNGE` for each, highest first, or with QRESYNC
   * one `VANISHED uid-set` (RFC 7162 §3.2.10: it replaces EXPUNGE once QRESYNC is enabled).
   */
  announceExpunged(gone: ReadonlySet<number>): Wire[] {
    if (this.opts.qresync?.() !== true) return this.removeExpunged(gone).map((seq) => untagged(number(seq), raw(' EXPUNGE')));
    const held = [...gone].filter((u) => this.seqOf(u) > 0).sort((a, b) => a - b);
    this.removeExpunged(gone);
    return vanishedLines(uidRanges(held), false);
  }

  /** Every UID up to this one is settled for the view: held, announced, or gone (its UIDNEXT - 1 at least). */
  get settledThrough(): number {
    return this.uidHighWater;
  }

  /**
   * Untagged responses for what changed since the last flush. With `allowExpunge` false (during FETCH,
   * STORE, SEARCH: RFC 3501 §7.4.1) expunges stay pending; `uidInFetch` adds UID to FETCH FLAGS (UID
   * commands, RFC 9051 §7.5.2 requirement for UID FETCH/STORE replies).
   */
  flush(opts: { allowExpunge: boolean; uidInFetch: boolean }): Wire[] {
    // Issue 13 item 2: a new keyword is announced before any FETCH that shows it.
    const out: Wire[] = this.keywordUpdate([...this.pendingFlags.values()].flatMap((c) => c.flags));
    if (opts.allowExpunge && this.pendingExpunge.size > 0) {
      out.push(...this.announceExpunged(new Set(this.pendingExpunge)));
    }
    if (this.newUids.size > 0) {
      const last = this.lastHeldUid();
      const fresh = [...this.newUids].filter((u) => u > last).sort((a, b) => a - b);
      this.newUids.clear();
      if (fresh.length > 0) this.uids = this.opts.uidLists ? this.opts.uidLists.appended(this.mailboxId, this.uids, fresh) : [...this.uids, ...fresh];
      for (const uid of fresh) if (uid > this.recentAskedThrough) this.unasked.push(uid);
      this.uidHighWater = Math.max(this.uidHighWater, this.lastHeldUid());
      for (const uid of this.goneUnannounced) if (uid <= this.uidHighWater) this.goneUnannounced.delete(uid); // settled now
    }
    if (this.uids.length !== this.announcedExists) {
      this.announcedExists = this.uids.length;
      out.push(untagged(number(this.uids.length), raw(' EXISTS')));
    }
    if (this.recent.size !== this.announcedRecent) {
      this.announcedRecent = this.recent.size;
      out.push(untagged(number(this.recent.size), raw(' RECENT')));
    }
    for (const [uid, change] of this.pendingFlags) {
      const seq = this.seqOf(uid);
      if (seq === 0) continue;
      const items: Wire[] = [raw('FLAGS'), this.withRecent(uid, change.flags)];
      if (opts.uidInFetch || this.opts.qresync?.() === true) items.push(raw('UID'), number(uid)); // with QRESYNC the client keys its cache by UID
      if (this.opts.condstore()) items.push(raw(`MODSEQ (${change.modseq})`));
      out.push(untagged(number(seq), raw(' FETCH ('), spaced(items), raw(')')));
    }
    this.pendingFlags.clear();
    return out;
  }

  /**
   * Issue 13 item 1 (RFC 3501 §2.3.2): before a flush, asks the store which messages that arrived since the
   * last one are \Recent to this session — a read-write view claims them, so that exactly one session of all
   * that have the mailbox selected gets each. A store failure leaves them unclaimed (for the next session).
   */
  async claimRecent(): Promise<void> {
    const ask = this.opts.recentFrom;
    if (ask === undefined) return;
    const candidates = [...this.unasked, ...this.newUids].filter((u) => u > this.recentAskedThrough);
    if (candidates.length === 0) return;
    const through = candidates.reduce((a, b) => Math.max(a, b)); // no spread: arrivals may be many
    this.recentAskedThrough = through;
    this.unasked = [];
    let from: number;
    try {
      from = await ask(through);
    } catch {
      return;
    }
    const pending = new Set(this.newUids);
    for (const uid of candidates) {
      if (uid >= from && (pending.has(uid) || this.seqOf(uid) > 0)) this.recent.add(uid);
    }
  }

  /** SELECT's and every later FLAGS response: the system flags and the keywords in use (RFC 9051 §7.3.5). */
  flagsResponse(): Wire {
    return this.keywords.flagsResponse();
  }

  /** PERMANENTFLAGS (RFC 9051 §7.1), none for a read-only view. */
  permanentFlagsResponse(): Wire {
    return this.keywords.permanentFlagsResponse();
  }

  /**
   * Issue 13 item 2 (as Dovecot): before a FETCH response shows flags, a keyword the session has not been told
   * of — new to the mailbox by the feed, or merely seen on a message (a change by another process) — is
   * announced with FLAGS and PERMANENTFLAGS. Returns those responses, or nothing when all are known.
   */
  keywordUpdate(shown: Iterable<string> = []): Wire[] {
    return this.keywords.update(shown);
  }

  /** The flag list as this session reports it: with \Recent for messages recent to it (rev1). */
  withRecent(uid: number, flags: readonly string[]): Wire {
    return flagList(this.recent.has(uid) ? [...flags, '\\Recent'] : flags);
  }

  /**
   * A flag change this session made itself, committed at `modseq`, which its own reply reported with the full
   * flags (`reported`) or did not (STORE .SILENT). Nothing is forgotten that the session has not been told:
   * a change by another session committed after this one (a race: the feed is faster than the command's
   * continuation) stays pending, and so, under .SILENT, does one committed before it — RFC 3501 §6.4.6:
   * .SILENT suppresses only the echo of the client's own change, so the flush reports the full current flags
   * (issue 13 item 3, as Dovecot does).
   */
  ownFlagChange(uid: number, modseq: number, reported: boolean): void {
    const pending = this.pendingFlags.get(uid);
    if (pending === undefined || pending.modseq > modseq) return;
    if (reported || pending.since >= modseq) this.pendingFlags.delete(uid);
  }

  close(): void {
    this.stopListening();
    this.stopListening = () => undefined;
  }
}
