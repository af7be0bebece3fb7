// The store URLs `postern migrate-store` takes (issue 18 item 5): PostgreSQL URLs, sqlite: paths (absolute, or
// relative to the working directory), bare paths ending in .sqlite; anything else is refused; no password shown.
import { describe, expect, it } from 'vitest';
import { describeLocation, parseStoreUrl, sameLocation } from '../../../src/migrate-store/store-url.js';

describe('parseStoreUrl', () => {
  it('takes PostgreSQL URLs as they are', () => {
    expect(parseStoreUrl('postgresql://u:pw@db/x', '/w')).toEqual({ backend: 'postgres', url: 'postgresql://u:pw@db/x' });
    expect(parseStoreUrl('postgres:///x?host=/run/postgresql', '/w')).toEqual({ backend: 'postgres', url: 'postgres:///x?host=/run/postgresql' });
  });

  it('takes sqlite: paths and bare .sqlite paths, relative ones against the working directory', () => {
    expect(parseStoreUrl('sqlite:/srv/a.sqlite', '/w')).toEqual({ backend: 'sqlite', path: '/srv/a.sqlite' });
    expect(parseStoreUrl('sqlite:data/a.db', '/w')).toEqual({ backend: 'sqlite', path: '/w/data/a.db' });
    expect(parseStoreUrl('b.sqlite', '/w')).toEqual({ backend: 'sqlite', path: '/w/b.sqlite' });
  });

  it('refuses anything else', () => {
    for (const url of ['mysql://x', 'sqlite:', '/srv/a.db', '']) expect(parseStoreUrl(url, '/w')).toBeNull();
  });

  it('never writes the password, and compares locations', () => {
    const pg = parseStoreUrl('postgresql://u:secret@db/x', '/w')!;
    expect(describeLocation(pg)).not.toMatch(/secret/);
    expect(describeLocation(pg)).toMatch(/^PostgreSQL postgresql:\/\/u@db\/x/);
    expect(sameLocation(parseStoreUrl('a.sqlite', '/w')!, parseStoreUrl('sqlite:/w/a.sqlite', '/w')!)).toBe(true);
    expect(sameLocation(pg, parseStoreUrl('a.sqlite', '/w')!)).toBe(false);
  });
});
