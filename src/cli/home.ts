// Where Postern lives: POSTERN_HOME, else the package directory (the one holding package.json), against
// which the default config file and every relative path in it resolve.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** src/cli/ and dist/cli/ are both two levels below the package root. */
export function posternHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.POSTERN_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return fileURLToPath(new URL('../../', import.meta.url));
}
