// The indexer thread (SPEC R7.4, R12): runs TextIndexer steps on the second core whenever the store pokes it
// (and every pollMs for bodies stored by other processes), with its own read-only connection to the store and
// the only writing connection to the index file. The index is derived data: it is written with
// synchronous = NORMAL (WAL keeps it consistent; a power cut may only lose the last steps, which are redone).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { isBusyError, openDatabase } from '../database.js';
import { TextIndexer } from './indexer.js';
import { readMarks } from './text-db.js';
import type { FromIndexer, IndexerSettings, ToIndexer } from './messages.js';

const settings = workerData as IndexerSettings;

/**
 * Indexing is background work: on Linux this thread lowers its own scheduling priority (nice 10; a thread's id
 * is the last part of /proc/thread-self), so that protocol work and deliveries come first on a busy machine.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not permitted: run at normal priority.
  }
}
lowerPriority();
if (!parentPort) throw new Error('the text indexer runs as a worker thread');
const port = parentPort;

const store = openDatabase(settings.storePath, { readonly: true, busyTimeoutMs: settings.busyTimeoutMs });
const text = openDatabase(settings.textPath, { busyTimeoutMs: settings.busyTimeoutMs });
text.pragma('synchronous = NORMAL');
const indexer = new TextIndexer(store, text);

let scheduled = false;
/** A step is under way (its texts are being extracted): pokes meanwhile ask for one more step after it. */
let running = false;
let again = false;
let closing = false;
const send = (msg: FromIndexer) => port.postMessage(msg);

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
    const step = await indexer.step();
    if (step.indexed > 0 || step.purged > 0) send({ type: 'progress', ...step });
    if (step.more) again = true;
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

const poll = setInterval(schedule, settings.pollMs);

port.on('message', (msg: ToIndexer) => {
  if (msg.type === 'poke') schedule();
  else if (msg.type === 'close') {
    closing = true;
    clearInterval(poll);
    if (!running) shutDown(); // otherwise the step under way shuts down when it ends
  }
});

send({ type: 'progress', marks: readMarks(text), indexed: 0, purged: 0 });
schedule();
