// The configuration schema (SPEC R10.2, R4.4): every key typed and validated with zod, unknown keys refused,
// so that a typo is an error naming the key rather than a silently ignored setting.
import { z } from 'zod';
import { parseHostPort } from './host-port.js';

/**
 * R4.4: the authserv-id appears bare in IMAP capabilities (an atom, RFC 9051 §9) and in
 * Authentication-Results (RFC 8601 §2.2 `value`). Characters legal in both an RFC 2045 token and an IMAP atom.
 */
export const AUTHSERV_ID_PATTERN = /^[A-Za-z0-9!#$&'+\-.^_`|~]+$/;

const port = z.number().int().min(0).max(65535);
const seconds = z.number().int().positive();
const bytes = z.number().int().positive();

const listenerBase = {
  /** Which protocol this listener serves. */
  protocol: z.enum(['imap', 'pop3', 'lmtp']),
  /** 'none': cleartext only; 'starttls': cleartext with STARTTLS/STLS offered; 'implicit': TLS from the first byte. */
  tls: z.enum(['none', 'starttls', 'implicit']).default('starttls'),
  /** Refuse everything but STARTTLS, CAPABILITY, NOOP and logout until TLS is active (R5.3). */
  requireTls: z.boolean().default(false),
};

const tcpListener = z.strictObject({
  ...listenerBase,
  address: z.string().min(1).default('127.0.0.1'),
  port,
});

const unixListener = z.strictObject({
  ...listenerBase,
  /** Path of a Unix domain socket (Postfix `lmtp:unix:`). */
  path: z.string().min(1),
  /** File mode of the socket, as an octal string. */
  mode: z.string().regex(/^0?[0-7]{3}$/, 'must be an octal file mode such as "0660"').default('0660'),
});

export const listenerSchema = z.union([tcpListener, unixListener]);

const cidr = z
  .string()
  .regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/, 'must be an IP address or a CIDR block such as 10.0.0.0/8');

export const configSchema = z.strictObject({
  /** The host name this server calls itself (greetings, Received fields, the default authserv-id). */
  hostname: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'must be a DNS host name').optional(),
  /** R2.1: the authserv-id we stamp and whose forged fields we remove. Defaults to the host name. */
  authservId: z
    .string()
    .min(1)
    .max(255)
    .regex(AUTHSERV_ID_PATTERN, 'must be a valid IMAP atom and RFC 8601 value: letters, digits and !#$&\'+-.^_`|~ only')
    .optional(),
  /** R4.3: advertise bare AUTHSERV in LHLO instead of AUTHSERV=<id>. */
  hideAuthservId: z.boolean().default(false),
  /** R2.1: other authserv-ids inside our ADMD (e.g. the border MTA's). */
  admdInternalIds: z.array(z.string().regex(AUTHSERV_ID_PATTERN, 'must be a valid authserv-id')).default([]),
  /** R2.2: remove Authentication-Results fields of foreign authserv-ids too. */
  removeForeignResults: z.boolean().default(false),
  /** Networks whose LMTP clients are trusted (XFORWARD, AUTH=, internal A-R fields). The Unix socket always is. */
  trustedNetworks: z.array(cidr).default(['127.0.0.1/32', '::1/128']),
  /** R3.1: advertise and accept REQUIRETLS on Unix-socket LMTP sessions. */
  requireTlsOnUnixSocket: z.boolean().default(true),

  store: z
    .strictObject({
      /** Issue 18 item 1: SQLite (one process, the default) or PostgreSQL (several front ends over one database). */
      backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /**
       * PostgreSQL connection URL (`postgresql://user@host:5432/postern`), required with backend: postgres. The
       * password may be in the URL or in PGPASSWORD; it is never logged or printed (`postern config` masks it).
       */
      url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
      /** PostgreSQL: pooled connections per front end (one more listens for the other front ends' changes). */
      poolSize: z.number().int().min(1).max(1000).default(10),
      /** SQLite database file; with backend: postgres, its directory still holds the spool and the admin socket. */
      path: z.string().min(1).default('data/postern.sqlite'),
      busyTimeoutMs: z.number().int().min(0).max(600_000).default(5000),
      /** How often changes committed by another process (the CLI, a second Postern) are looked for, in ms. */
      feedPollMs: z.number().int().min(10).max(60_000).default(250),
      /** QRESYNC's expunge log: expunges kept per mailbox; a client older than them gets a complete, larger answer. */
      expungeLogKeep: z.number().int().min(1).max(10_000_000).default(10_000),
      /** The page cache (MiB) of the connection that serves sessions: SEARCH on large mailboxes reads from it. */
      cacheMiB: z.number().int().min(1).max(65_536).default(16),
    })
    .prefault({})
    .refine((st) => st.backend !== 'postgres' || st.url !== undefined, {
      message: 'url is required with backend: postgres',
      path: ['url'],
    }),

  tls: z
    .strictObject({
      /** PEM certificate chain; when absent, a self-signed certificate is generated into certDir. */
      cert: z.string().min(1).optional(),
      /** PEM private key for cert. */
      key: z.string().min(1).optional(),
      /** PEM CA bundle against which client certificates are verified (SASL EXTERNAL). */
      clientCa: z.string().min(1).optional(),
      /** Where generated certificates go. */
      certDir: z.string().min(1).default('certs'),
    })
    .prefault({})
    .refine((t) => (t.cert === undefined) === (t.key === undefined), {
      message: 'cert and key must be given together',
      path: ['cert'],
    }),

  listeners: z.array(listenerSchema).default([]),

  lmtp: z
    .strictObject({
      /** Separator of subaddresses: alice+lists@ delivers to alice (RFC 5233). Empty: no subaddressing. */
      recipientDelimiter: z.string().max(1).default('+'),
      /** Deliver alice+lists@ into the mailbox "lists" when alice has one (else INBOX). */
      detailMailbox: z.boolean().default(false),
      /** Over quota: 452 4.2.2 (try later) instead of 552 5.2.2 (bounce). */
      quotaFullTempfail: z.boolean().default(false),
      /** R2.3: verify DKIM, SPF, DMARC and ARC at ingest (needs DNS). */
      verify: z.boolean().default(true),
      /** DNS servers for verification (IP addresses); empty: the system's resolvers. */
      dnsServers: z.array(z.string().min(1)).default([]),
      dnsTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      /** R2.3: take the originating client from the trusted MTA's topmost Received field when no XFORWARD came. */
      trustReceived: z.boolean().default(false),
      /**
       * R1.3: login names whose authenticated LMTP sessions are trusted like trustedNetworks (XFORWARD, AUTH=,
       * internal-id Authentication-Results, trustReceived). Any other authenticated user stays untrusted.
       */
      relayUsers: z.array(z.string().min(1).max(320)).default([]),
    })
    .prefault({}),

  auth: z
    .strictObject({
      /** R5.3: allow PLAIN, LOGIN, IMAP LOGIN and POP3 USER/PASS without TLS. */
      allowPlaintextWithoutTls: z.boolean().default(false),
      /** R6.4: delay before answering a failed authentication (Dovecot's auth_failure_delay). */
      failureDelayMs: z.number().int().min(0).max(60_000).default(2000),
      /** R6.4: failures from one address (IPv6: its /64), whatever the account. */
      maxFailuresPerIp: z.number().int().positive().default(20),
      /** R6.4: failures against one account from one address; locks that address out of it, not the owner. */
      maxFailuresPerUser: z.number().int().positive().default(10),
      /** R6.4: failures against one account from all addresses; past it only addresses it logged in from before are checked. */
      maxFailuresPerUserGlobal: z.number().int().positive().default(100),
      failureWindowSeconds: seconds.default(300),
      /** Issue 17 item 1: PBKDF2 rounds of SCRAM-SHA-256 keys, about the scrypt hash's cost (sasl/passwords.ts). */
      scramIterations: z.number().int().min(4096).max(1_000_000).default(150_000),
      /**
       * Issue 17 item 1 (Dovecot's auth_cache_ttl): how long a successful password check is remembered, so that
       * the same password for the same account needs no second scrypt; 0 turns it off.
       */
      cacheSeconds: z.number().int().min(0).max(86_400).default(300),
      /** Issue 17 item 1 (Dovecot's auth_cache_size): successful checks remembered at most; 0 turns it off. */
      cacheEntries: z.number().int().min(0).max(10_000_000).default(10_000),
    })
    .prefault({}),

  /**
   * Issue 16 item 4: the Prometheus metrics and health endpoint (HTTP: /metrics, /health). Off when absent; the
   * documented address is loopback, since the endpoint has no authentication.
   */
  metrics: z
    .strictObject({
      /** ADDRESS:PORT, kept as written so that `postern config` prints what can be read back; see host-port.ts. */
      listen: z.string().superRefine((text, ctx) => {
        const parsed = parseHostPort(text);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      }),
    })
    .optional(),

  limits: z
    .strictObject({
      maxConnections: z.number().int().positive().default(1000),
      maxConnectionsPerIp: z.number().int().positive().default(50),
      maxConnectionsPerUser: z.number().int().positive().default(20),
      maxLineLength: z.number().int().min(512).max(1_048_576).default(65_536),
      maxLiteralBytes: bytes.default(64 * 1024 * 1024),
      /**
       * R11.2: before login a client is a stranger. IMAP command lines and SASL response lines (IMAP, POP3) are
       * cut to this many octets, and IMAP literals to preAuthLiteralBytes, refused before they are invited.
       */
      preAuthLineLength: z.number().int().min(512).max(1_048_576).default(8192),
      preAuthLiteralBytes: bytes.default(8192),
      maxMessageBytes: bytes.default(64 * 1024 * 1024),
      maxHeaderBytes: bytes.default(1024 * 1024),
      /** Issue 12 item 13: a message body larger than this waits in a spool file, not in memory. */
      smallBodyBytes: z.number().int().min(16 * 1024).max(64 * 1024 * 1024).default(256 * 1024),
      /** Issue 12 item 13: large bodies the store's writer takes into one transaction (read by window, issue 17 item 4). */
      maxConcurrentLargeBodies: z.number().int().min(1).max(64).default(2),
      maxMimeDepth: z.number().int().min(1).max(200).default(50),
      maxRecipients: z.number().int().positive().default(1000),
      maxBadCommands: z.number().int().positive().default(10),
      /** Idle timeouts; RFC 9051 §5.4 asks at least 30 minutes for IMAP, RFC 1939 §3 at least 10 for POP3. */
      imapIdleSeconds: z.number().int().min(1800).default(1800),
      pop3IdleSeconds: z.number().int().min(600).default(600),
      lmtpIdleSeconds: seconds.default(300),
      /**
       * IMAP and POP3 idle timeout until login (RFC 9051 §5.4 asks 30 minutes only after authentication; Dovecot
       * gives a login 3 minutes). LMTP clients are MTAs that never log in: lmtpIdleSeconds applies throughout.
       */
      preAuthIdleSeconds: seconds.default(60),
      /** IMAP and POP3: a client not logged in this long after connecting is disconnected, however active (Dovecot: 3 min). */
      loginDeadlineSeconds: seconds.default(180),
    })
    .prefault({}),

  admin: z
    .strictObject({
      /** Issue 16 item 5: the admin socket of `postern serve` (who, kick, reload); default <store dir>/admin.sock. */
      socket: z.string().min(1).optional(),
    })
    .prefault({}),

  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Issue 16 item 8: pretty lines for a person, JSON for programs; auto: pretty on a terminal. */
      format: z.enum(['auto', 'pretty', 'json']).default('auto'),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ListenerConfig = z.output<typeof listenerSchema>;
