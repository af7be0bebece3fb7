// store.backend and store.url (issue 18 item 1): SQLite by default; PostgreSQL needs a postgres:// URL, whose
// password `postern config` never prints; backup and check say they need SQLite.
import { describe, expect, it } from 'vitest';
import { maskPassword } from '../../../src/cli/config.js';
import { withSqliteStore } from '../../../src/cli/context.js';
import { ConfigError, parseConfigText } from '../../../src/config/load.js';

const home = '/srv/postern';

describe('store.backend', () => {
  it('is sqlite by default, with no URL', () => {
    const config = parseConfigText('', 't', home);
    expect(config.store.backend).toBe('sqlite');
    expect(config.store.url).toBeUndefined();
  });

  it('postgres takes store.url and a pool size', () => {
    const config = parseConfigText('store: { backend: postgres, url: "postgresql://postern@db.example.org/postern", poolSize: 4 }', 't', home);
    expect(config.store).toMatchObject({ backend: 'postgres', url: 'postgresql://postern@db.example.org/postern', poolSize: 4 });
  });

  it('postgres without a URL, or with one of another scheme, is refused naming store.url', () => {
    expect(() => parseConfigText('store: { backend: postgres }', 't', home)).toThrow(ConfigError);
    expect(() => parseConfigText('store: { backend: postgres }', 't', home)).toThrow(/store\.url.*required/);
    expect(() => parseConfigText('store: { backend: postgres, url: "mysql://db/x" }', 't', home)).toThrow(/store\.url/);
    expect(() => parseConfigText('store: { backend: oracle }', 't', home)).toThrow(/store\.backend/);
  });

  it("the URL's password is masked where the configuration is printed", () => {
    expect(maskPassword('postgresql://postern:s3cret@db.example.org:5432/postern')).toBe('postgresql://postern:***@db.example.org:5432/postern');
    expect(maskPassword('postgresql://postern@db.example.org/postern')).toBe('postgresql://postern@db.example.org/postern');
    expect(maskPassword(undefined)).toBeUndefined();
  });

  it('backup and check refuse a PostgreSQL configuration, saying they need SQLite, before opening anything', async () => {
    const config = parseConfigText('store: { backend: postgres, url: "postgresql://postern@127.0.0.1:1/none" }', 't', home);
    let ran = false;
    await expect(
      withSqliteStore(config, 'backup', async () => {
        ran = true;
      }),
    ).rejects.toThrow(/`postern backup` needs the SQLite backend/);
    expect(ran).toBe(false);
  });
});
