// The indexer thread (SPEC R7.4, R12): runs TextIndexer steps on the second core whenever the store pokes it
// (and every pollMs for bodies stored by other processes), with its own read-only connection to the store and
// the only writing connection to the index file. The index is derived data: it is written with
// synchronous = NORMAL (WAL keeps it consistent; a power cut may only lose the last steps, which are redone).
// Between steps it serves searches first: a scan of the mailbox's unindexed tail (tail.ts); then it extracts the
// texts of newly stored bodies ahead of indexing them (until its cache is full), so that the tail a search scans
// is mostly texts at hand, and the steps index those texts (issue 14 item 4). It reports how far it has texts
// at hand ('ready'); acknowledgements of deliveries wait for that mark (text-index.ts keepUp). It runs at normal
// priority: indexing is part of making delivered mail searchable.
import { parentPort, workerData } from 'node:worker_threads';
import { isBusyError, openDatabase } from '../database.js';
import { DEFAULT_LIMITS, TextIndexer } from './indexer.js';
import { readMarks } from './text-db.js';
import type { FromIndexer, IndexerSettings, TailRequest, ToIndexer } from './messages.js';
import { TailScanner, TailTexts } from './tail.js';

const settings = workerData as IndexerSettings;
/** Longest stretch of extracting ahead before the thread looks at its messages again. */
const PREFETCH_MS = 25;

if (!parentPort) throw new Error('the text indexer runs as a worker thread');
const port = parentPort;

const store = openDatabase(settings.storePath, { readonly: true, busyTimeoutMs: settings.busyTimeoutMs });
const text = openDatabase(settings.textPath, { busyTimeoutMs: settings.busyTimeoutMs });
text.pragma('synchronous = NORMAL');
const texts = new TailTexts(store, settings.cacheChars);
const indexer = new TextIndexer(store, text, DEFAULT_LIMITS, { get: (bodyId) => texts.take(bodyId) });
const scanner = new TailScanner(store, texts);
const newBodiesStmt = store.prepare<[number], number>('SELECT id FROM bodies WHERE id > ? ORDER BY id LIMIT 256').pluck();
let scheduled = false;
/** A step is under way (its texts are being extracted): pokes meanwhile ask for one more step after it. */
let running = false;
let again = false;
let closing = false;
let indexedMax = readMarks(text).indexedMax;
const send = (msg: FromIndexer) => port.postMessage(msg);

/** Bodies up to this id have their texts at hand (kept, or gone) or indexed. */
let extractedMax = 0;
/** The last `ready` mark reported to the store. */
let reportedReady = 0;

/** Tells the store how far texts are at hand, when that moved (deliveries wait on it: text-index.ts keepUp). */
function reportReady(): void {
  const ready = Math.max(extractedMax, indexedMax);
  if (ready > reportedReady && !closing) {
    reportedReady = ready;
    send({ type: 'ready', upTo: ready });
  }
}

/**
 * Extracts and keeps the texts of bodies stored since the last call, for PREFETCH_MS at most, until the cache
 * is full; whether it did any.
 */
async function extractAhead(): Promise<boolean> {
  if (!texts.hasRoom) return false;
  const started = performance.now();
  const ids = newBodiesStmt.all(Math.max(extractedMax, indexedMax));
  let done = 0;
  for (const id of ids) {
    if (!(await texts.extract(id))) break; // full: the steps take texts first
    extractedMax = id;
    done++;
    if (performance.now() - started > PREFETCH_MS) break;
  }
  reportReady();
  return done > 0;
}

async function run(): Promise<void> {
  scheduled = false;
  if (closing) return;
  if (running) {
    again = true;
    return;
  }
  running = true;
  again = false;
  try {
    if (await extractAhead()) {
      again = true;
    } else {
      const step = await indexer.step();
      indexedMax = step.marks.indexedMax;
      texts.passed(step.marks.indexedMax);
      reportReady();
      if (step.indexed > 0 || step.purged > 0) send({ type: 'progress', ...step });
      if (step.more) again = true;
    }
  } catch (err) {
    if (isBusyError(err)) setTimeout(schedule, 50); // another indexer holds the file: try again shortly
    else if (!closing) send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    running = false;
  }
  if (closing) shutDown();
  else if (again) schedule();
}

function schedule(): void {
  if (scheduled || closing) return;
  scheduled = true;
  setImmediate(() => void run());
}

function shutDown(): void {
  store.close();
  text.close();
  port.close();
}

/** A search's scan of the tail above the mark committed so far; the reply follows that commit (messages.ts). */
async function scanTail(req: TailRequest): Promise<void> {
  try {
    const indexedMax = readMarks(text).indexedMax;
    const uids = await scanner.scan(req.mailboxId, indexedMax, req.needle, req.header);
    if (!closing) send({ type: 'tail', id: req.id, indexedMax, uids });
  } catch (err) {
    // Closing: the connections may be gone under the scan, and the searcher answers without the thread.
    if (!closing) send({ type: 'tail-failed', id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
  schedule(); // then index what the scan extracted
}

const poll = setInterval(schedule, settings.pollMs);

port.on('message', (msg: ToIndexer) => {
  if (msg.type === 'poke') schedule();
  else if (msg.type === 'tail') {
    if (!closing) void scanTail(msg);
  } else if (msg.type === 'close') {
    closing = true;
    clearInterval(poll);
    if (!running) shutDown(); // otherwise the step under way shuts down when it ends
  }
});

send({ type: 'progress', marks: readMarks(text), indexed: 0, purged: 0 });
schedule();
