// Preload for a `postern serve` child in memory measurements (bench/large-message.mjs --gc and
// test/integration/memory/flat-ingest.test.ts, through NODE_OPTIONS="--expose-gc --import <this>"): SIGUSR2 runs
// a full collection of the main thread's heap, so that a step is measured from a baseline without the garbage of
// the steps before it (which a collection during the step would otherwise free, hiding growth behind it).
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
