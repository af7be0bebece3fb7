// Transcript runner for the C:/S: notation of ARCHITECTURE.md "Tests": parses a script and plays it over real
// sockets (TCP, Unix, implicit TLS, STARTTLS). Protocol-neutral: LMTP, IMAP and POP3 transcripts share it.
//
// File format (one item per line; blank lines are ignored):
//   # text              a comment. The leading run of comment lines is the header; its options are
//                       `# <key>: <value>` with a lowercase key, and an unknown lowercase key is an error:
//   # listener: <protocol> tcp|tls|unix [index]
//                       where connection 1 goes: the index-th TCP listener of <protocol> (default 0) in
//                       cleartext (tcp) or with an immediate TLS handshake (tls, implicit TLS), or its Unix
//                       socket (unix). Required when connection 1 is used.
//   # listener2: ...    the same for connection 2 (C2:/S2:/TLS2/CLOSED2); defaults to connection 1's.
//   # user: <name> <password> [quota=<bytes>]      a user the caller must create before running.
//   # timeout: <ms>     bound on every wait (default 5000).
//   C: <text>           sends <text> plus CRLF in one write.
//   S: <pattern>        the next line received (without CRLF) must match <pattern>; `*` is a glob.
//   TLS                 client TLS handshake on the same socket (after STARTTLS/STLS); everything the server
//                       sent before must have been matched already.
//   CLOSED              the server closes the connection with nothing further unmatched.
//   C2: S2: TLS2 CLOSED2  the same on connection 2 (any n ≥ 1 works; C1: is C:). A connection opens at its
//                       first line. At the end every line received must have been matched (connections not
//                       asserted CLOSED are watched for 100 ms more). `#` lines after the header are comments.
// Escapes in C:/S: text: \r \n \t \\ \xHH (one byte), \* and \$ (literal), \} (literal, inside a repeat),
// \{N:text} (text, itself escaped, repeated N times). Any other backslash stays literal (IMAP `\Seen`).
// `$name` or `${name}` in an S: line captures a run of non-space characters the first time, and stands for the
// captured value afterwards, in S: and C: lines alike. The file is UTF-8; matching is done on bytes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export type ListenerKind = 'tcp' | 'tls' | 'unix';

export interface ListenerTarget {
  protocol: string;
  kind: ListenerKind;
  index: number;
}

export interface TranscriptUser {
  name: string;
  password: string;
  quotaBytes: number | null;
}

/** Text is a binary string: one char per byte (latin1). */
export type Segment = { kind: 'text'; text: string } | { kind: 'glob' } | { kind: 'var'; name: string };

interface StepBase {
  conn: number;
  /** 1-based line in the file. */
  line: number;
  source: string;
}

export type Step =
  | (StepBase & { kind: 'send'; segments: Segment[] })
  | (StepBase & { kind: 'expect'; segments: Segment[] })
  | (StepBase & { kind: 'tls' })
  | (StepBase & { kind: 'closed' });

export interface Transcript {
  name: string;
  listeners: Map<number, ListenerTarget>;
  users: TranscriptUser[];
  timeoutMs: number;
  /** Requirement ids (R1.2, R5 ...) cited in the header. */
  requirements: string[];
  steps: Step[];
}

export class TranscriptSyntaxError extends Error {}
export class TranscriptError extends Error {}

const MAX_REPEAT = 1_000_000;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Decodes the text of a C: (mode 'send') or S: (mode 'expect') line into segments. */
export function parseSegments(src: string, mode: 'send' | 'expect'): Segment[] {
  const { segments, end } = parseUntil(src, 0, mode, false);
  if (end !== src.length) throw new TranscriptSyntaxError(`unexpected "}" at column ${end + 1}`);
  return merge(segments);
}

function parseUntil(src: string, start: number, mode: 'send' | 'expect', inRepeat: boolean): { segments: Segment[]; end: number } {
  const out: Segment[] = [];
  const text = (s: string): void => void out.push({ kind: 'text', text: s });
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '}' && inRepeat) return { segments: out, end: i };
    if (c === '*' && mode === 'expect') {
      out.push({ kind: 'glob' });
      i += 1;
    } else if (c === '$') {
      const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(src.slice(i + 1));
      const bare = NAME.exec(src.slice(i + 1));
      if (braced) {
        out.push({ kind: 'var', name: braced[1]! });
        i += 1 + braced[0].length;
      } else if (bare) {
        out.push({ kind: 'var', name: bare[0] });
        i += 1 + bare[0].length;
      } else {
        text('$');
        i += 1;
      }
    } else if (c === '\\' && i + 1 < src.length) {
      const e = src[i + 1]!;
      const simple: Record<string, string> = { r: '\r', n: '\n', t: '\t', '\\': '\\', '*': '*', $: '$', '}': '}' };
      if (e in simple) {
        text(simple[e]!);
        i += 2;
      } else if (e === 'x') {
        const hex = /^[0-9A-Fa-f]{2}/.exec(src.slice(i + 2));
        if (!hex) throw new TranscriptSyntaxError(`\\x needs two hex digits at column ${i + 1}`);
        text(String.fromCharCode(parseInt(hex[0], 16)));
        i += 4;
      } else if (e === '{') {
        const m = /^(\d{1,7}):/.exec(src.slice(i + 2));
        if (!m || Number(m[1]) > MAX_REPEAT) {
          throw new TranscriptSyntaxError(`\\{ needs a count (≤ ${MAX_REPEAT}) and ":" at column ${i + 1}`);
        }
        const inner = parseUntil(src, i + 2 + m[0].length, mode, true);
        if (inner.end >= src.length) throw new TranscriptSyntaxError(`unterminated \\{ at column ${i + 1}`);
        for (let n = Number(m[1]); n > 0; n--) out.push(...inner.segments);
        i = inner.end + 1;
      } else {
        text('\\'); // IMAP flags such as \Seen stay as written
        i += 1;
      }
    } else {
      // Runs of ordinary characters, as UTF-8 bytes.
      let j = i + 1;
      while (j < src.length && !'*$\\}'.includes(src[j]!)) j += 1;
      text(Buffer.from(src.slice(i, j), 'utf8').toString('latin1'));
      i = j;
    }
  }
  return { segments: out, end: i };
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (s.kind === 'text' && last?.kind === 'text') last.text += s.text;
    else out.push(s.kind === 'text' ? { ...s } : s);
  }
  return out;
}

function parseListener(value: string): ListenerTarget {
  const m = /^([a-z0-9]+) +(tcp|tls|unix)(?: +(\d+))?$/.exec(value.trim());
  if (!m) throw new TranscriptSyntaxError(`listener must be "<protocol> tcp|tls|unix [index]", not "${value}"`);
  if (m[2] === 'unix' && m[3] !== undefined) throw new TranscriptSyntaxError('a unix listener takes no index');
  return { protocol: m[1]!, kind: m[2] as ListenerKind, index: Number(m[3] ?? 0) };
}

function parseUser(value: string): TranscriptUser {
  const m = /^(\S+) +(\S+)(?: +quota=(\d+))?$/.exec(value.trim());
  if (!m) throw new TranscriptSyntaxError(`user must be "<name> <password> [quota=<bytes>]", not "${value}"`);
  return { name: m[1]!, password: m[2]!, quotaBytes: m[3] === undefined ? null : Number(m[3]) };
}

function connNumber(digits: string): number {
  const n = digits === '' ? 1 : Number(digits);
  if (n < 1) throw new TranscriptSyntaxError('connections are numbered from 1');
  return n;
}

/** Parses a transcript; errors name the file and line. */
export function parseTranscript(text: string, name: string): Transcript {
  const t: Transcript = { name, listeners: new Map(), users: [], timeoutMs: 5000, requirements: [], steps: [] };
  const bound = new Set<string>();
  const lines = text.split(/\r?\n/);
  let inHeader = true;
  lines.forEach((source, idx) => {
    const line = idx + 1;
    try {
      if (source.trim() === '') return;
      if (source.startsWith('#')) {
        const opt = /^#\s*([a-z][a-z0-9]*):\s*(.*)$/.exec(source);
        if (!inHeader || !opt) {
          if (!inHeader) return;
          for (const r of source.matchAll(/\bR\d+(?:\.\d+)*\b/g)) if (!t.requirements.includes(r[0])) t.requirements.push(r[0]);
          return;
        }
        const key = opt[1]!;
        const value = opt[2]!;
        const listener = /^listener(\d*)$/.exec(key);
        if (listener) t.listeners.set(connNumber(listener[1]!), parseListener(value));
        else if (key === 'user') t.users.push(parseUser(value));
        else if (key === 'timeout' && /^\d{1,6}$/.test(value.trim())) t.timeoutMs = Number(value.trim());
        else throw new TranscriptSyntaxError(`unknown or malformed header option "${key}"`);
        return;
      }
      inHeader = false;
      const io = /^([CS])(\d*):( (.*))?$/.exec(source);
      const ctl = /^(TLS|CLOSED)(\d*)$/.exec(source);
      if (io) {
        const conn = connNumber(io[2]!);
        const kind = io[1] === 'C' ? 'send' : 'expect';
        const segments = parseSegments(io[4] ?? '', kind);
        for (const s of segments) {
          if (s.kind !== 'var') continue;
          if (kind === 'send' && !bound.has(s.name)) throw new TranscriptSyntaxError(`$${s.name} is used before an S: line captures it`);
        }
        for (const s of segments) if (s.kind === 'var') bound.add(s.name);
        t.steps.push({ kind, conn, line, source, segments });
      } else if (ctl) {
        t.steps.push({ kind: ctl[1] === 'TLS' ? 'tls' : 'closed', conn: connNumber(ctl[2]!), line, source });
      } else {
        if (/^[CS]\d*:/.test(source)) throw new TranscriptSyntaxError('expected a space after the colon');
        throw new TranscriptSyntaxError('expected C:, S:, TLS, CLOSED or a # comment');
      }
    } catch (err) {
      if (err instanceof TranscriptSyntaxError) throw new TranscriptSyntaxError(`${name}:${line}: ${err.message}: ${source.slice(0, 120)}`);
      throw err;
    }
  });
  const used = new Set(t.steps.map((s) => s.conn));
  for (const conn of used) {
    if (!t.listeners.has(conn)) {
      const first = t.listeners.get(1);
      if (!first) throw new TranscriptSyntaxError(`${name}: connection ${conn} is used but no "# listener:" names where to connect`);
      t.listeners.set(conn, first);
    }
  }
  return t;
}

export function loadTranscript(path: string): Transcript {
  return parseTranscript(readFileSync(path, 'utf8'), basename(path));
}

/** Builds the matcher for an S: line given the captures so far: a regex over the binary (latin1) line. */
export function compilePattern(segments: readonly Segment[], vars: ReadonlyMap<string, string>): { regex: RegExp; captures: string[] } {
  const captures: string[] = [];
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let src = '';
  for (const s of segments) {
    if (s.kind === 'text') src += esc(s.text);
    else if (s.kind === 'glob') src += '.*';
    else if (vars.has(s.name)) src += esc(vars.get(s.name)!);
    else if (captures.includes(s.name)) src += `\\k<${s.name}>`;
    else {
      captures.push(s.name);
      src += `(?<${s.name}>[^ ]+)`;
    }
  }
  return { regex: new RegExp(`^${src}$`, 's'), captures };
}

/** The bytes of a C: line (without the CRLF the runner appends). */
export function renderSend(segments: readonly Segment[], vars: ReadonlyMap<string, string>): Buffer {
  const text = segments
    .map((s) => {
      if (s.kind === 'text') return s.text;
      if (s.kind === 'glob') return '*';
      const v = vars.get(s.name);
      if (v === undefined) throw new TranscriptError(`$${s.name} is not bound`);
      return v;
    })
    .join('');
  return Buffer.from(text, 'latin1');
}

/** Where transcripts connect: satisfied by test/support/server.ts's TestServer. */
export interface TranscriptEnv {
  port(protocol: string, index?: number): number;
  unixPath(protocol: string): string;
  /** Extra client TLS options (e.g. a client certificate); rejectUnauthorized is false by default. */
  tlsOptions?: ConnectionOptions;
}

const show = (line: string): string => JSON.stringify(Buffer.from(line, 'latin1').toString('utf8'));

/** One client connection: received bytes split into CRLF lines, with what the transcript matched. */
class Peer {
  private buf = '';
  private waiters: Array<() => void> = [];
  readonly history: Array<{ line: string; matched: boolean }> = [];
  closed = false;
  error: string | null = null;

  constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(s: Socket | TLSSocket): void {
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (let i = this.buf.indexOf('\r\n'); i !== -1; i = this.buf.indexOf('\r\n')) {
        this.history.push({ line: this.buf.slice(0, i), matched: false });
        this.buf = this.buf.slice(i + 2);
      }
      this.wake();
    });
    const done = (): void => {
      this.closed = true;
      this.wake();
    };
    s.on('end', done);
    s.on('close', done);
    s.on('error', (err) => {
      this.error = err.message;
      done();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Lines received and not yet matched, plus any partial line. */
  unmatched(): string[] {
    const rest = this.history.filter((h) => !h.matched).map((h) => h.line);
    return this.buf === '' ? rest : [...rest, `${this.buf} (no CRLF yet)`];
  }

  /** Waits until pred() holds or the time is up; every wait here is bounded. */
  async until(pred: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** The next unmatched line (the caller marks it matched), 'closed', or 'timeout'. */
  async next(ms: number): Promise<{ line: string; matched: boolean } | 'closed' | 'timeout'> {
    const pending = (): { line: string; matched: boolean } | undefined => this.history.find((h) => !h.matched);
    const ok = await this.until(() => pending() !== undefined || this.closed, ms);
    return pending() ?? (ok ? 'closed' : 'timeout');
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  async startTls(opts: ConnectionOptions, ms: number): Promise<void> {
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    raw.removeAllListeners('close');
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, ...opts });
    await handshake(secure, ms);
    this.socket = secure;
    this.attach(secure);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function handshake(s: TLSSocket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TLS handshake not done after ${ms} ms`)), ms);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve();
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function open(target: ListenerTarget, env: TranscriptEnv, ms: number): Promise<Peer> {
  let socket: Socket | TLSSocket;
  if (target.kind === 'unix') socket = netConnect({ path: env.unixPath(target.protocol) });
  else if (target.kind === 'tcp') socket = netConnect({ host: '127.0.0.1', port: env.port(target.protocol, target.index) });
  else {
    const port = env.port(target.protocol, target.index);
    socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...env.tlsOptions });
  }
  socket.on('error', () => undefined); // reported through the Peer or the promise below
  const ready = target.kind === 'tls' ? 'secureConnect' : 'connect';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${ready} after ${ms} ms`)), ms);
    socket.once(ready, () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return new Peer(socket);
}

/** How long a connection that was not asserted CLOSED is watched for stray lines at the end. */
const SETTLE_MS = 100;

/** Plays a transcript; rejects with a TranscriptError naming the line. Returns the captured values. */
export async function runTranscript(t: Transcript, env: TranscriptEnv): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  const peers = new Map<number, Peer>();
  const fail: (step: StepBase, problem: string) => never = (step, problem) => {
    const peer = peers.get(step.conn);
    const seen = (peer?.history ?? []).slice(-40).map((h) => `    ${h.matched ? 'matched  ' : 'UNMATCHED'} ${show(h.line)}`);
    const received = seen.join('\n') || '    (nothing)';
    const where = `${t.name}:${step.line}: ${step.source}`;
    throw new TranscriptError(`${where}\n  ${problem}\n  received on connection ${step.conn} so far:\n${received}`);
  };
  const ms = t.timeoutMs;
  try {
    for (const step of t.steps) {
      let p = peers.get(step.conn);
      if (!p) {
        const target = t.listeners.get(step.conn)!; // parseTranscript gives every used connection a listener
        const where = `${target.protocol} ${target.kind} ${target.index}`;
        p = await open(target, env, ms).catch((err: Error) => fail(step, `cannot connect to ${where}: ${err.message}`));
        peers.set(step.conn, p);
      }
      switch (step.kind) {
        case 'send':
          if (p.closed) fail(step, 'the server has closed the connection');
          p.write(Buffer.concat([renderSend(step.segments, vars), Buffer.from('\r\n')]));
          break;
        case 'expect': {
          const got = await p.next(ms);
          if (got === 'timeout') fail(step, `no line within ${ms} ms`);
          if (got === 'closed') fail(step, `the connection closed instead${p.error ? ` (${p.error})` : ''}`);
          const { regex, captures } = compilePattern(step.segments, vars);
          const m = regex.exec(got.line);
          if (!m) fail(step, `got ${show(got.line)}`);
          got.matched = true;
          for (const name of captures) vars.set(name, m.groups![name]!);
          break;
        }
        case 'tls': {
          if (p.unmatched().length > 0) fail(step, `unmatched before the handshake: ${p.unmatched().map(show).join(', ')}`);
          try {
            await p.startTls(env.tlsOptions ?? {}, ms);
          } catch (err) {
            fail(step, `TLS handshake failed: ${(err as Error).message}`);
          }
          break;
        }
        case 'closed': {
          const closed = await p.until(() => p.closed || p.unmatched().length > 0, ms);
          if (p.unmatched().length > 0) fail(step, `unexpected data: ${p.unmatched().map(show).join(', ')}`);
          if (!closed) fail(step, `still open after ${ms} ms`);
          break;
        }
      }
    }
    for (const [conn, p] of peers) {
      if (!p.closed) await p.until(() => p.unmatched().length > 0, SETTLE_MS);
      const rest = p.unmatched();
      const last = [...t.steps].reverse().find((s) => s.conn === conn)!;
      if (rest.length > 0) fail(last, `unmatched at the end of the transcript: ${rest.map(show).join(', ')}`);
    }
  } finally {
    for (const p of peers.values()) p.destroy();
  }
  return vars;
}
