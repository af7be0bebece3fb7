// Issue 16 item 5: the admin socket itself — mode 0600, one bounded request per connection, a stale socket
// replaced at start, a live one (another server) refused, the file removed at close; the client tells a server
// that is not running apart.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminRequest, ServerNotRunningError } from '../../../src/admin/client.js';
import { MAX_REQUEST_BYTES } from '../../../src/admin/protocol.js';
import { startAdminSocket, type AdminSocket } from '../../../src/admin/server.js';
import { createLogger } from '../../../src/log/logger.js';

const logger = createLogger({ level: 'silent' });
let dir: string;
let path: string;
const opened: AdminSocket[] = [];

async function start(): Promise<AdminSocket> {
  const s = await startAdminSocket({ path, logger, handle: async () => ({ ok: true, ended: 2 }) });
  opened.push(s);
  return s;
}

/** Sends raw bytes and returns everything the server answered before closing. */
function rawExchange(data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
    sock.write(data);
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'postern-admin-'));
  path = join(dir, 'data', 'admin.sock');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin socket', () => {
  it('is mode 0600, answers one request and closes, and is removed at close', async () => {
    const s = await start();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await adminRequest(path, { op: 'kick', user: 'a', reason: 'kicked' })).toEqual({ ok: true, ended: 2 });
    expect(await rawExchange('{"op":"who"}\n{"op":"who"}\n')).toBe('{"ok":true,"ended":2}\n');
    await s.close();
    expect(existsSync(path)).toBe(false);
  });

  it('answers a request longer than the bound with an error, without waiting for its end', async () => {
    await start();
    const answer = await rawExchange('x'.repeat(MAX_REQUEST_BYTES * 4));
    expect(JSON.parse(answer)).toEqual({ ok: false, error: `request longer than ${MAX_REQUEST_BYTES} octets` });
    expect(JSON.parse(await rawExchange('{"op":"nope"}\n'))).toEqual({ ok: false, error: 'unknown op' });
  });

  it('replaces a stale socket and refuses to take over a live one', async () => {
    const first = await start();
    await expect(startAdminSocket({ path, logger, handle: async () => ({ ok: true, ended: 0 }) })).rejects.toThrow(/in use by a running server/);
    await first.close();
    // A socket file left by a killed server: a child binds it and dies by SIGKILL, so nobody unlinks it.
    const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    await new Promise<void>((resolve) => execFile(process.execPath, ['-e', script], () => resolve()));
    expect(statSync(path).isSocket()).toBe(true);
    await start();
    expect(await adminRequest(path, { op: 'who' })).toEqual({ ok: true, ended: 2 });
  });

  it('the client reports a server that is not running', async () => {
    await expect(adminRequest(path, { op: 'who' })).rejects.toBeInstanceOf(ServerNotRunningError);
  });
});
