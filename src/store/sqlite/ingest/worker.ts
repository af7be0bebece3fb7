// The ingest writer thread (SPEC R1.5, R12): parses and stores deliveries and APPENDs on its own connection,
// every job queued meanwhile in one transaction (group commit: one fsync for the batch, synchronous = FULL),
// so that the event loop of the protocol servers never waits for a disk flush. Outcomes go back in order.
import { parentPort, workerData } from 'node:worker_threads';
import { bodyLength, isFileBody } from '../../types.js';
import { openDatabase } from '../database.js';
import { createRepos } from '../repos.js';
import { encodeOutcome, jobBodies, reviveJob, runBatch, type IngestJob } from './jobs.js';
import type { FromWriter, ToWriter, WriterSettings } from './messages.js';

const settings = workerData as WriterSettings;
if (!parentPort) throw new Error('the ingest writer runs as a worker thread');
const port = parentPort;

const db = openDatabase(settings.storePath, { busyTimeoutMs: settings.busyTimeoutMs });
const repos = createRepos(db);
const queue: Array<{ id: number; job: IngestJob; size: number; large: boolean }> = [];
let scheduled = false;
let paused = false;
let closing = false;
const send = (msg: FromWriter) => port.postMessage(msg);

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
  if (queue.length > 0) schedule();
  else if (closing) {
    db.close();
    port.close();
  }
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
