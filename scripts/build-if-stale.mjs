// Builds dist/ from src/ with TypeScript when dist/ is missing or older than the source, and only when
// TypeScript is installed (issue 16 item 9). Run by `npm install`/`npm ci` (prepare) and before `npm start`:
// after `npm ci --omit=dev` there is no TypeScript, so it keeps the existing build and says what to do when
// there is none, instead of failing the install. `npm run build` always compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = join(root, 'dist/cli/main.js');

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function findTsc() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function main() {
  // A copy without src/ (only dist/ shipped) has nothing to build.
  if (!existsSync(join(root, 'src'))) return 0;
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const sourceAt = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'tsconfig.json')).mtimeMs);
  if (builtAt >= sourceAt) return 0;

  const tsc = findTsc();
  if (tsc === undefined) {
    if (builtAt === 0) {
      process.stderr.write(
        'postern: dist/ is not built and TypeScript is not installed (npm ci --omit=dev?): `postern` cannot run yet.\n' +
          '  Build it where the dev dependencies are installed (`npm install && npm run build`) and copy dist/ here.\n',
      );
    } else {
      process.stderr.write('postern: dist/ is older than src/ and TypeScript is not installed: using the existing build.\n');
    }
    return 0;
  }
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  return run.status ?? 1;
}

process.exitCode = main();
