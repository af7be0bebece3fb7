#!/usr/bin/env node
// The postern command: runs the compiled CLI (built by `npm run build`, which npm install runs).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`postern: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
