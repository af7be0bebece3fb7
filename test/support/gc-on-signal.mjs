// Test-only preload for a `postern serve` child (NODE_OPTIONS="--expose-gc --import <this>"): SIGUSR2 runs a full
// collection of the main thread's heap, so that a memory test measures from a baseline without the garbage of
// the steps before it (which a collection during the step would otherwise free and hide growth behind).
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
