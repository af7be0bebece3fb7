#!/usr/bin/env node
// The postern command: runs the compiled CLI (built by `npm run build`, which npm install runs).
import { main } from '../dist/cli/main.js';

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
