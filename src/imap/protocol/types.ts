// Typed IMAP commands (RFC 3501 §6, RFC 9051 §6 and the extensions of SPEC R7.2): what the pure parser
// (parse/*.ts) produces and command handlers receive — never tokens or bytes.

/** One element of a sequence set; '*' is represented by Infinity (RFC 9051 §9 seq-number). */
export interface SeqRange {
  from: number;
  to: number;
}

/** A sequence set as written: ranges in the client's order (may overlap, may be reversed 5:2), or `$` (SEARCHRES). */
export type SequenceSet = { kind: 'set'; ranges: SeqRange[] } | { kind: 'saved' };

/** SELECT/EXAMINE (QRESYNC (uidvalidity modseq [known-uids [seq-match-data]])) — RFC 7162 §3.2.5. */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  /** UIDs the client knows; null: all (1:UIDNEXT-1). */
  knownUids: SequenceSet | null;
  /** Message numbers and the UIDs the client holds for them (parsed; the server need not use them). */
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

/**
 * RFC 9394 §4 partial-range: positions lo..hi (1-based, lo ≤ hi) in a result, counted from its start, or from its
 * end when fromEnd (`-1` is the last); `text` is the range as the client wrote it, echoed in the response.
 */
export interface PartialRange {
  text: string;
  fromEnd: boolean;
  lo: number;
  hi: number;
}

/** BODY[section]<partial> — RFC 9051 §6.4.5. */
export interface Section {
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  /** What of that part; null means the whole part (BODY[1.2] or BODY[]). */
  text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;
  /** Field names for HEADER.FIELDS (NOT), as given (compared case-insensitively). */
  fields: string[];
}

export type FetchAttribute =
  | { kind: 'UID' }
  | { kind: 'FLAGS' }
  | { kind: 'INTERNALDATE' }
  | { kind: 'RFC822.SIZE' }
  | { kind: 'ENVELOPE' }
  | { kind: 'BODY' } // non-extensible BODYSTRUCTURE
  | { kind: 'BODYSTRUCTURE' }
  | { kind: 'RFC822' } // = BODY[] and sets \Seen
  | { kind: 'RFC822.HEADER' } // = BODY.PEEK[HEADER]
  | { kind: 'RFC822.TEXT' } // = BODY[TEXT] and sets \Seen
  | { kind: 'MODSEQ' } // RFC 7162
  | { kind: 'PREVIEW'; lazy: boolean } // RFC 8970
  | { kind: 'EMAILID' } // RFC 8474 §5.1
  | { kind: 'THREADID' } // RFC 8474 §5.2
  | { kind: 'SAVEDATE' } // RFC 8514 §4
  | { kind: 'BODY[]'; section: Section; peek: boolean; partial: { offset: number; length: number } | null }
  | { kind: 'BINARY[]'; section: Section; peek: boolean; partial: { offset: number; length: number } | null }
  | { kind: 'BINARY.SIZE'; section: Section };

/** RFC 9051 §6.4.4 search keys, as a tree. Dates are calendar days (RFC 3501 date: "1-Feb-1994"). */
export type SearchKey =
  | { kind: 'ALL' }
  | { kind: 'flag'; flag: string; set: boolean } // ANSWERED/UNANSWERED, DELETED, DRAFT, FLAGGED, SEEN, KEYWORD/UNKEYWORD
  | { kind: 'NEW' } // RECENT UNSEEN (rev1)
  | { kind: 'OLD' } // NOT RECENT (rev1)
  | { kind: 'RECENT' }
  | { kind: 'header'; field: string; value: string } // BCC, CC, FROM, SUBJECT, TO, HEADER <field> <value>
  | { kind: 'BODY'; value: string }
  | { kind: 'TEXT'; value: string }
  | { kind: 'date'; which: 'internal' | 'sent' | 'saved'; op: 'before' | 'on' | 'since'; date: { year: number; month: number; day: number } }
  | { kind: 'size'; op: 'larger' | 'smaller'; n: number }
  | { kind: 'seq'; set: SequenceSet }
  | { kind: 'uid'; set: SequenceSet }
  | { kind: 'MODSEQ'; modseq: number } // RFC 7162 §3.1.5
  | { kind: 'within'; op: 'older' | 'younger'; seconds: number } // RFC 5032 OLDER / YOUNGER <interval>
  | { kind: 'EMAILID' | 'THREADID'; id: string } // RFC 8474 §6
  | { kind: 'SAVEDATESUPPORTED' } // RFC 8514 §4.3
  | { kind: 'not'; key: SearchKey }
  | { kind: 'or'; a: SearchKey; b: SearchKey }
  | { kind: 'and'; keys: SearchKey[] };

/** RFC 5256 §3 sort-key, with RFC 5957 DISPLAYFROM / DISPLAYTO. */
export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}
/** RFC 5256 §3 thread algorithms offered. */
export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'SIZE' | 'HIGHESTMODSEQ' | 'DELETED' | 'APPENDLIMIT' | 'DELETED-STORAGE' | 'MAILBOXID';

export type StoreMode = 'add' | 'remove' | 'replace';

/**
 * An APPEND date-time as the client gave it (issue 13 item 6): the instant, and the zone it was written in, in
 * minutes east of UTC (`+0530` → 330), which INTERNALDATE keeps and SEARCH BEFORE/ON/SINCE judge the day in.
 */
export interface ZonedDate {
  instant: Date;
  zone: number;
}

/** RFC 4469 §5 cat-part: a literal, or an IMAP URL (RFC 5092) naming a message or a section of one. */
export type CatenatePart = { kind: 'text'; data: Buffer } | { kind: 'url'; url: string };

export interface AppendMessage {
  flags: string[];
  /** RFC 3501 date-time, already parsed, with its zone (issue 13 item 6); null when absent. */
  date: ZonedDate | null;
  /** The message literal; empty for CATENATE, whose parts make the message. */
  message: Buffer;
  /** RFC 4469 CATENATE: the parts the message is made of, in order. */
  catenate?: CatenatePart[];
}

/** Mailbox names arrive decoded from modified UTF-7 (RFC 3501 §5.1.3) unless UTF8=ACCEPT is enabled. */
export type Command =
  | { name: 'CAPABILITY' }
  | { name: 'NOOP' }
  | { name: 'LOGOUT' }
  | { name: 'STARTTLS' }
  | { name: 'AUTHENTICATE'; mechanism: string; initialResponse: string | null }
  | { name: 'LOGIN'; user: string; password: string }
  | { name: 'ID'; params: Record<string, string | null> | null }
  | { name: 'ENABLE'; capabilities: string[] }
  | { name: 'CANCELUPDATE'; tags: string[] }
  | { name: 'COMPRESS'; mechanism: string }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync?: QresyncParams }
  | { name: 'CREATE'; mailbox: string; specialUse: string[] }
  | { name: 'DELETE'; mailbox: string }
  | { name: 'RENAME'; from: string; to: string }
  | { name: 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
  | {
      name: 'LIST';
      reference: string;
      /** The valid patterns (one not valid modified UTF-7 matches nothing, so it is left out). */
      patterns: string[];
      /** LIST-EXTENDED selection options (SUBSCRIBED, SPECIAL-USE, RECURSIVEMATCH, REMOTE). */
      selection: string[];
      /** RETURN (CHILDREN, SUBSCRIBED, SPECIAL-USE, STATUS (...)). */
      returnOptions: string[];
      returnStatus: StatusItem[] | null;
    }
  | { name: 'LSUB'; reference: string; pattern: string | null } // null: not a valid name, matches nothing
  | { name: 'NAMESPACE' }
  | { name: 'STATUS'; mailbox: string; items: StatusItem[] }
  | { name: 'APPEND'; mailbox: string; messages: AppendMessage[] }
  | { name: 'IDLE' }
  | { name: 'CHECK' }
  | { name: 'CLOSE' }
  | { name: 'UNSELECT' }
  | { name: 'EXPUNGE'; uids: SequenceSet | null } // uids set for UID EXPUNGE (RFC 4315)
  | { name: 'SEARCH'; uid: boolean; charset: string | null; key: SearchKey; returnOptions: string[] | null; partial?: PartialRange }
  | { name: 'SORT'; uid: boolean; criteria: SortCriterion[]; charset: string; key: SearchKey; returnOptions: string[] | null; partial?: PartialRange }
  | { name: 'THREAD'; uid: boolean; algorithm: ThreadAlgorithm; charset: string; key: SearchKey }
  | { name: 'FETCH'; uid: boolean; set: SequenceSet; attributes: FetchAttribute[]; changedSince: number | null; vanished?: true; partial?: PartialRange }
  | {
      name: 'STORE';
      uid: boolean;
      set: SequenceSet;
      mode: StoreMode;
      silent: boolean;
      flags: string[];
      unchangedSince: number | null;
    }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'GETQUOTA' | 'SETQUOTA'; root: string } // RFC 9208
  | { name: 'GETQUOTAROOT'; mailbox: string };

export type CommandName = Command['name'];

/** A tagged command as read from the wire. */
export interface TaggedCommand {
  tag: string;
  command: Command;
}

/**
 * A syntax error the session answers with `<tag> BAD <text>` (or `* BAD` when no tag could be read).
 * `tag` is null when the line did not start with a valid tag.
 */
/**
 * A well-formed command the server refuses before running it: `<tag> NO [code] text`, which does not count
 * toward the bad-command limit (R11.1). Issue 13 item 9: a mailbox name that is not valid modified UTF-7 is a
 * valid astring, so it is NO (Dovecot 2.3: "NO Mailbox name is not valid mUTF-7"), never BAD.
 */
export class ProtocolRefusal extends Error {
  constructor(
    message: string,
    readonly code: 'NONEXISTENT' | 'CANNOT',
    readonly tag: string | null = null,
  ) {
    super(message);
    this.name = 'ProtocolRefusal';
  }
}

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly tag: string | null = null,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
