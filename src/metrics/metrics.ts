// Postern's metrics (issue 16 item 4, docs/metrics.md): one typed object, made by the composition root and
// handed to the services, that counts what the sessions do; the scrape adds what is read at that moment
// (store size, text-index backlog, process memory, uptime). Labels carry protocols, mechanisms, results and
// command names from closed sets only: never a user, an address or anything a client chose (cardinality).
import { Counter, Gauge, Histogram, render, type Family } from './families.js';

export type MetricProtocol = 'imap' | 'pop3' | 'lmtp';
export type DeliveryResultClass = 'ok' | 'temp' | 'perm';

/** Command latency buckets, seconds: a NOOP's millisecond to a large APPEND or a SEARCH of a big mailbox. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

/** A command name as a label: the protocol's own verb, or "other" for anything not spelt like one. */
const COMMAND_NAME = /^[A-Z][A-Z0-9]{0,15}$/;
const MECHANISM_NAME = /^[A-Z][A-Z0-9-]{0,19}$/;
/** Distinct command (or mechanism) labels kept per protocol: well above the verbs there are; a bound whatever a caller passes. */
export const MAX_NAMES_PER_PROTOCOL = 64;

/** What the scrape reads at its moment; null where it could not be read (the family is then left out). */
export interface ScrapeFacts {
  store: { databaseBytes: number; messages: number; bodies: number } | null;
  /** Bodies stored but not yet in the full-text index. */
  textIndexBacklog: number | null;
  memory: { rss: number; heapUsed: number; heapTotal: number };
  uptimeSeconds: number;
}

export class Metrics {
  private readonly connectionsOpen = new Gauge('postern_connections_open', 'Connections open now, per protocol.', ['protocol']);
  private readonly connections = new Counter('postern_connections_total', 'Connections accepted since start, per protocol.', ['protocol']);
  private readonly logins = new Counter(
    'postern_logins_total',
    'Login attempts that ended, per protocol, mechanism (PASSWORD for IMAP LOGIN and POP3 USER/PASS) and result (ok or failed).',
    ['protocol', 'mechanism', 'result'],
  );
  private readonly deliveries = new Counter(
    'postern_deliveries_total',
    'LMTP recipients answered at the end of DATA or BDAT, per result: ok (stored), temp (4xx) or perm (5xx).',
    ['result'],
  );
  private readonly deliveredBytes = new Counter('postern_delivered_bytes_total', 'Octets stored by LMTP deliveries, counted once per recipient stored.');
  private readonly requireTlsStored = new Counter(
    'postern_requiretls_messages_stored_total',
    'Messages stored with the REQUIRETLS flag (RFC 8689), once per recipient stored.',
  );
  private readonly cleartextRefusals = new Counter(
    'postern_requiretls_cleartext_refusals_total',
    'Sessions without TLS refused a mailbox holding REQUIRETLS mail (SPEC R3.4): IMAP NO or BYE [PRIVACYREQUIRED], POP3 -ERR.',
    ['protocol'],
  );
  private readonly forgedRemoved = new Counter(
    'postern_forged_authentication_results_removed_total',
    'Authentication-Results fields removed from delivered messages as forged (SPEC R2.2).',
  );
  private readonly commandDuration = new Histogram(
    'postern_command_duration_seconds',
    'Time from reading a command to its final reply, per protocol and command ("other": not a known command).',
    ['protocol', 'command'],
    LATENCY_BUCKETS,
  );
  private readonly storeBytes = new Gauge('postern_store_database_bytes', 'Size of the SQLite database (pages in use and free).');
  private readonly storeMessages = new Gauge('postern_store_messages', 'Messages in all mailboxes.');
  private readonly storeBodies = new Gauge('postern_store_bodies', 'Distinct message bodies stored (copies share one body).');
  private readonly textBacklog = new Gauge('postern_text_index_backlog_bodies', 'Bodies stored but not yet in the full-text index.');
  private readonly rss = new Gauge('postern_process_resident_memory_bytes', 'Resident set size of the server process.');
  private readonly heapUsed = new Gauge('postern_process_heap_used_bytes', 'V8 heap in use.');
  private readonly heapTotal = new Gauge('postern_process_heap_total_bytes', 'V8 heap reserved.');
  private readonly uptime = new Gauge('postern_uptime_seconds', 'Seconds since the server started.');
  /** The label values given out so far, per protocol and label (the cardinality bound). */
  private readonly names = new Map<string, Set<string>>();

  constructor() {
    for (const protocol of ['imap', 'pop3', 'lmtp'] as const) {
      // Every protocol's series exists from the start, so that a rate() over a quiet protocol reads 0.
      this.connectionsOpen.set({ protocol }, 0);
      this.connections.inc({ protocol }, 0);
    }
    for (const result of ['ok', 'temp', 'perm'] as const) this.deliveries.inc({ result }, 0);
    this.deliveredBytes.inc({}, 0);
    this.requireTlsStored.inc({}, 0);
    this.forgedRemoved.inc({}, 0);
    for (const protocol of ['imap', 'pop3'] as const) this.cleartextRefusals.inc({ protocol }, 0);
  }

  connectionOpened(protocol: MetricProtocol): void {
    this.connections.inc({ protocol });
    this.connectionsOpen.inc({ protocol });
  }

  connectionClosed(protocol: MetricProtocol): void {
    this.connectionsOpen.dec({ protocol });
  }

  login(protocol: MetricProtocol, mechanism: string, ok: boolean): void {
    this.logins.inc({ protocol, mechanism: this.bounded(`${protocol} mechanism`, MECHANISM_NAME, mechanism), result: ok ? 'ok' : 'failed' });
  }

  /** `name` if spelt like one and among the first MAX_NAMES_PER_PROTOCOL seen for `key`, else "other". */
  private bounded(key: string, spelling: RegExp, name: string): string {
    if (!spelling.test(name)) return 'other';
    let seen = this.names.get(key);
    if (seen === undefined) this.names.set(key, (seen = new Set()));
    if (seen.has(name)) return name;
    if (seen.size >= MAX_NAMES_PER_PROTOCOL) return 'other';
    seen.add(name);
    return name;
  }

  /** One LMTP recipient's reply at the end of the message, by its code. */
  deliveryReply(code: number): void {
    this.deliveries.inc({ result: code < 400 ? 'ok' : code < 500 ? 'temp' : 'perm' });
  }

  /** A message delivered: stored for `recipients` recipients (0: for none; its forged fields are then not counted). */
  stored(opts: { bytes: number; recipients: number; requireTls: boolean; forgedRemoved: number }): void {
    this.deliveredBytes.inc({}, opts.bytes * opts.recipients);
    if (opts.requireTls) this.requireTlsStored.inc({}, opts.recipients);
    if (opts.recipients > 0) this.forgedRemoved.inc({}, opts.forgedRemoved);
  }

  /** R3.4: a session without TLS was refused a mailbox holding REQUIRETLS mail. */
  cleartextRefusal(protocol: 'imap' | 'pop3'): void {
    this.cleartextRefusals.inc({ protocol });
  }

  /** A command's latency; a name outside the protocol's verbs counts as "other". */
  command(protocol: MetricProtocol, name: string, seconds: number): void {
    this.commandDuration.observe({ protocol, command: this.bounded(`${protocol} command`, COMMAND_NAME, name) }, seconds);
  }

  /** Starts timing a command; the returned function records it under the name it is given then. */
  startCommand(protocol: MetricProtocol): (name: string) => void {
    const start = process.hrtime.bigint();
    return (name) => this.command(protocol, name, Number(process.hrtime.bigint() - start) / 1e9);
  }

  /** The exposition text, with the facts read for this scrape. */
  render(facts: ScrapeFacts): string {
    const families: Family[] = [
      this.connectionsOpen,
      this.connections,
      this.logins,
      this.deliveries,
      this.deliveredBytes,
      this.requireTlsStored,
      this.cleartextRefusals,
      this.forgedRemoved,
      this.commandDuration,
    ];
    if (facts.store !== null) {
      this.storeBytes.set({}, facts.store.databaseBytes);
      this.storeMessages.set({}, facts.store.messages);
      this.storeBodies.set({}, facts.store.bodies);
      families.push(this.storeBytes, this.storeMessages, this.storeBodies);
    }
    if (facts.textIndexBacklog !== null) {
      this.textBacklog.set({}, facts.textIndexBacklog);
      families.push(this.textBacklog);
    }
    this.rss.set({}, facts.memory.rss);
    this.heapUsed.set({}, facts.memory.heapUsed);
    this.heapTotal.set({}, facts.memory.heapTotal);
    this.uptime.set({}, facts.uptimeSeconds);
    families.push(this.rss, this.heapUsed, this.heapTotal, this.uptime);
    return render(families);
  }
}
