// Ingest jobs (SPEC R1.4, R1.5, R1.8; RFC 9051 §6.3.12 APPEND, RFC 3502 MULTIAPPEND: the messages of one APPEND
// are one job, all stored or none) run in batches: the bodies are parsed first,
// then every job of the batch runs in one write transaction, each in its own savepoint, so that one fsync
// makes the whole batch durable (group commit) while each job's refusal stays its own. Also the plain-data
// form of jobs and outcomes that crosses between threads (structured clone keeps neither Buffer nor
// StoreError).
import type { MailboxChange } from '../../changes.js';
import { isStoreError, StoreError, type StoreErrorKind } from '../../errors.js';
import { isFileBody, type AppendInput, type AppendResult, type BodyBytes, type DeliveryInput, type DeliveryResult, type MailboxId, type PrivacyGuard, type UserId } from '../../types.js';
import { analyzeBody, type BodyAnalysis } from '../body-index.js';
import { writeTransaction } from '../database.js';
import { append, deliver, type IngestBody } from '../deliver.js';
import type { Repos } from '../repos.js';
import { SpooledBody } from './spooled-body.js';

export type IngestJob =
  | { kind: 'deliver'; input: DeliveryInput }
  | { kind: 'append'; userId: UserId; mailboxId: MailboxId; inputs: AppendInput[]; guard?: PrivacyGuard };

export interface EncodedError {
  kind: StoreErrorKind | null;
  message: string;
}

export type JobOutcome =
  | { ok: true; kind: 'deliver'; value: DeliveryResult[]; changes: MailboxChange[] }
  | { ok: true; kind: 'append'; value: AppendResult[]; changes: MailboxChange[] }
  | { ok: false; error: Error };

export function encodeError(err: unknown): EncodedError {
  if (isStoreError(err)) return { kind: err.kind, message: err.message };
  return { kind: null, message: err instanceof Error ? err.message : String(err) };
}

export function decodeError(e: EncodedError): Error {
  return e.kind === null ? new Error(e.message) : new StoreError(e.kind, e.message);
}

/** A job whose bodies are at hand: in memory, or opened for ranged reads from their spool files. */
type LoadedJob =
  | { kind: 'deliver'; input: Omit<DeliveryInput, 'body'> & { body: IngestBody } }
  | { kind: 'append'; userId: UserId; mailboxId: MailboxId; inputs: Array<Omit<AppendInput, 'raw'> & { raw: IngestBody }>; guard?: PrivacyGuard };

/**
 * A body at hand; a spooled one is read from its file a window or a chunk at a time (issue 17 item 4: never whole),
 * and its descriptor is added to `opened` for the caller to close.
 */
function openBody(b: BodyBytes, opened: SpooledBody[]): IngestBody {
  if (!isFileBody(b)) return b;
  const body = new SpooledBody(b);
  opened.push(body);
  return body;
}

function load(job: IngestJob, opened: SpooledBody[]): LoadedJob {
  if (job.kind === 'deliver') return { ...job, input: { ...job.input, body: openBody(job.input.body, opened) } };
  return { ...job, inputs: job.inputs.map((input) => ({ ...input, raw: openBody(input.raw, opened) })) };
}

/** The bodies of a job, in order. */
export function jobBodies<B>(job: { kind: 'deliver'; input: { body: B } } | { kind: 'append'; inputs: Array<{ raw: B }> }): B[] {
  return job.kind === 'deliver' ? [job.input.body] : job.inputs.map((i) => i.raw);
}

/** Parses a job's bodies: CPU work done before the write lock is taken. */
function analyze(job: LoadedJob): BodyAnalysis[] {
  return jobBodies<IngestBody>(job).map((b) => analyzeBody(b));
}

function run(repos: Repos, job: LoadedJob, analyses: readonly BodyAnalysis[]): JobOutcome {
  if (job.kind === 'deliver') {
    const out = deliver(repos, job.input, analyses[0]);
    return { ok: true, kind: 'deliver', value: out.value, changes: out.changes };
  }
  // RFC 3502 §6.3.11: the messages of one APPEND in the job's one savepoint: a refusal of any stores none.
  const value: AppendResult[] = [];
  const changes: MailboxChange[] = [];
  job.inputs.forEach((input, i) => {
    const out = append(repos, job.userId, job.mailboxId, input, analyses[i], job.guard);
    value.push(out.value);
    changes.push(...out.changes);
  });
  return { ok: true, kind: 'append', value, changes };
}

/** Runs one job in its own savepoint: a StoreError refuses the job and leaves nothing of it behind. */
function runInSavepoint(repos: Repos, job: LoadedJob, analyses: readonly BodyAnalysis[]): JobOutcome {
  try {
    return repos.db.transaction(() => run(repos, job, analyses))();
  } catch (err) {
    if (isStoreError(err)) return { ok: false, error: err };
    throw err;
  }
}

/**
 * Runs the jobs in one IMMEDIATE transaction. Anything but a StoreError (a full disk, a bug) aborts that
 * transaction; the jobs of a failed batch are then retried one by one, so that one bad job fails alone.
 */
export function runBatch(repos: Repos, jobs: readonly IngestJob[]): JobOutcome[] {
  const opened: SpooledBody[] = [];
  try {
    let loaded: LoadedJob[];
    let analyses: BodyAnalysis[][];
    try {
      loaded = jobs.map((job) => load(job, opened));
      analyses = loaded.map(analyze); // reads spool files: a missing or short one fails here, before the write
    } catch (err) {
      if (jobs.length === 1) return [{ ok: false, error: err instanceof Error ? err : new Error(String(err)) }];
      for (const body of opened.splice(0)) body.close();
      return jobs.map((job) => runBatch(repos, [job])[0]!);
    }
    return runLoaded(repos, loaded, analyses);
  } finally {
    for (const body of opened) body.close();
  }
}

function runLoaded(repos: Repos, jobs: readonly LoadedJob[], analyses: ReadonlyArray<readonly BodyAnalysis[]>): JobOutcome[] {
  try {
    return writeTransaction(repos.db, () => jobs.map((job, i) => runInSavepoint(repos, job, analyses[i]!)));
  } catch (err) {
    if (jobs.length === 1) return [{ ok: false, error: err instanceof Error ? err : new Error(String(err)) }];
  }
  return jobs.map((job, i) => runLoaded(repos, [job], [analyses[i]!])[0]!);
}

// ---- crossing threads -------------------------------------------------------------------------------------

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A body as received from another thread: a spooled body crosses as its path and small head, never its octets. */
const reviveBody = (b: BodyBytes): BodyBytes => (isFileBody(b) ? { ...b, head: toBuffer(b.head) } : toBuffer(b));

/** A job as received from another thread: its byte arrays become Buffers again. */
export function reviveJob(job: IngestJob): IngestJob {
  if (job.kind === 'append') {
    const inputs = job.inputs.map((input) => ({
      ...input,
      raw: reviveBody(input.raw),
      ...(input.prefix === undefined ? {} : { prefix: toBuffer(input.prefix) }), // migrate-store's trace prefix
    }));
    return { ...job, inputs };
  }
  const input = job.input;
  return {
    kind: 'deliver',
    input: { ...input, body: reviveBody(input.body), recipients: input.recipients.map((r) => ({ ...r, prefix: toBuffer(r.prefix) })) },
  };
}

type WireDeliveryResult = Extract<DeliveryResult, { ok: true }> | { ok: false; userId: UserId; error: EncodedError };

export type WireOutcome =
  | { ok: true; kind: 'deliver'; value: WireDeliveryResult[]; changes: MailboxChange[] }
  | { ok: true; kind: 'append'; value: AppendResult[]; changes: MailboxChange[] }
  | { ok: false; error: EncodedError };

export function encodeOutcome(o: JobOutcome): WireOutcome {
  if (!o.ok) return { ok: false, error: encodeError(o.error) };
  if (o.kind === 'append') return o;
  return { ...o, value: o.value.map((r): WireDeliveryResult => (r.ok ? r : { ok: false, userId: r.userId, error: encodeError(r.error) })) };
}

export function decodeOutcome(o: WireOutcome): JobOutcome {
  if (!o.ok) return { ok: false, error: decodeError(o.error) };
  if (o.kind === 'append') return o;
  const value = o.value.map((r): DeliveryResult => {
    if (r.ok) return r;
    const error = decodeError(r.error);
    return { ok: false, userId: r.userId, error: isStoreError(error) ? error : new StoreError('temporary', error.message) };
  });
  return { ...o, value };
}
