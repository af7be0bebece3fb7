// The ingest writer thread (SPEC R1.5, R12): parses and stores deliveries and APPENDs on its own connection,
// every job queued meanwhile in one transaction (group commit: one fsync for the batch, synchronous = FULL),
// so that the event loop of the protocol servers never waits for a disk flush. Outcomes go back in order.
import { parentPort, workerData } from 'node:worker_threads';
import { bodyLength, isFileBody } from '../../types.js';
import { openDatabase } from '../database.js';
import { FieldTrigramIndexer } from '../field-trigrams.js';
import { createRepos } from '../repos.js';
import { encodeOutcome, jobBodies, reviveJob, runBatch, type IngestJob } from './jobs.js';
import type { FromWriter, ToWriter, WriterSettings } from './messages.js';

const settings = workerData as WriterSettings;
if (!parentPort) throw new Error('the ingest writer runs as a worker thread');
const port = parentPort;

const db = openDatabase(settings.storePath, { busyTimeoutMs: settings.busyTimeoutMs });
const repos = createRepos(db);
const trigrams = new FieldTrigramIndexer(db);
const queue: Array<{ id: number; job: IngestJob; size: number; large: boolean }> = [];
let scheduled = false;
let paused = false;
let closing = false;
const send = (msg: FromWriter) => port.postMessage(msg);
/** How long the queue stays empty before the trigram index catches up. */
const CATCH_UP_IDLE_MS = 100;

function jobSize(job: IngestJob): number {
  return jobBodies(job).reduce((sum, b) => sum + bodyLength(b), 0);
}

function takeBatch(): typeof queue {
  let bytes = 0;
  let large = 0;
  let n = 0;
  while (n < queue.length && n < settings.maxJobs) {
    const next = queue[n]!;
    if (n > 0 && (bytes + next.size > settings.maxBytes || (next.large && large >= settings.maxLargeBodies))) break;
    bytes += next.size;
    if (next.large) large++;
    n++;
  }
  return queue.splice(0, n);
}

function flush(): void {
  scheduled = false;
  if (paused) return;
  const batch = takeBatch();
  if (batch.length > 0) {
    const outcomes = runBatch(
      repos,
      batch.map((b) => b.job),
    );
    batch.forEach((b, i) => send({ type: 'done', id: b.id, outcome: encodeOutcome(outcomes[i]!) }));
  }
  // The trigram index of the search fields follows in batches of its own (field-trigrams.ts): at once when far
  // behind, else once the queue has been empty for a moment.
  trigrams.keepUp();
  if (queue.length > 0) schedule();
  else if (closing) {
    catchUp();
    db.close();
    port.close();
  } else scheduleCatchUp();
}

let catchUpTimer: NodeJS.Timeout | null = null;

/** One batch of the trigram index's backlog; failures (a busy lock) are left for the next batch. */
function catchUp(): number {
  try {
    return trigrams.catchUp();
  } catch {
    return 0;
  }
}

function scheduleCatchUp(): void {
  if (catchUpTimer !== null) return;
  catchUpTimer = setTimeout(() => {
    catchUpTimer = null;
    if (queue.length > 0 || paused || closing) return; // the next flush looks again
    if (catchUp() > 0) scheduleCatchUp();
  }, CATCH_UP_IDLE_MS);
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush); // after the messages that arrived meanwhile have been queued: they join this batch
}

port.on('message', (msg: ToWriter) => {
  switch (msg.type) {
    case 'job': {
      const job = reviveJob(msg.job);
      queue.push({ id: msg.id, job, size: jobSize(job), large: jobBodies(job).some(isFileBody) });
      schedule();
      break;
    }
    case 'pause':
      // Message order: every outcome of a batch already run was posted before this answer.
      paused = true;
      send({ type: 'paused' });
      break;
    case 'resume':
      paused = false;
      schedule();
      break;
    case 'close':
      closing = true;
      paused = false;
      schedule();
      break;
  }
});

// Bodies another process or an earlier run left past the mark are indexed once this thread is idle.
scheduleCatchUp();
