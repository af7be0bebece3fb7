#!/usr/bin/env node
// The postern command: runs the compiled CLI in dist/ (built by `npm install`, or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  // A fresh clone after `npm ci --omit=dev` (no TypeScript), or one installed with --ignore-scripts.
  console.error('postern: this copy is not built (dist/ is missing): run `npm install` or `npm run build` here first.');
  process.exit(1);
}
const { main } = await import(entry.href);

// `postern user list | head -1`: a closed pipe ends the output quietly, as for any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`postern: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
