// Vitest global setup: CLI and crash tests run the compiled `postern` (dist/), so compile it when any
// source file is newer than the build. `npm test` has just compiled it, making this a no-op there.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const root = new URL('../../', import.meta.url).pathname;
  let built = 0;
  try {
    built = statSync(join(root, 'dist/cli/main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newestMtime(join(root, 'src'))) {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
        stdio: 'pipe',
      });
    } catch (err) {
      // tsc still emits on type errors; `npm test` reports them in its type-check step.
      const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
      process.stderr.write(`build-dist: tsc reported errors; tests use what it emitted\n${out.slice(0, 2000)}\n`);
    }
  }
}
