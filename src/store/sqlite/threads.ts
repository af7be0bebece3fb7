// Starting the store's background threads (SPEC R12: the ingest writer, the text indexer): each runs a module
// compiled beside this one in dist/; from the TypeScript sources (tests run src/ directly), the built copy in
// dist/. Unreferenced: an open store never keeps a process alive by its threads alone.
import { Worker } from 'node:worker_threads';

/** `module` is relative to src/store/sqlite/, e.g. 'ingest/worker.js'. */
export function startThread(module: string, workerData: unknown): Worker {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL(`../../../dist/store/sqlite/${module}`, here) : new URL(`./${module}`, here);
  const worker = new Worker(url, { workerData });
  worker.unref();
  return worker;
}
