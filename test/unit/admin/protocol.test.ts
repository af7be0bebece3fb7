// Issue 16 item 5: the admin socket's requests, by example.
import { describe, expect, it } from 'vitest';
import { parseAdminRequest } from '../../../src/admin/protocol.js';

describe('parseAdminRequest', () => {
  it.each([
    ['{"op":"who"}', { op: 'who' }],
    ['{"op":"reload"}', { op: 'reload' }],
    ['{"op":"kick","user":"alice"}', { op: 'kick', user: 'alice', reason: 'kicked' }],
    ['{"op":"kick","user":"alice","reason":"deleted"}', { op: 'kick', user: 'alice', reason: 'deleted' }],
  ])('%s', (line, request) => {
    expect(parseAdminRequest(line)).toEqual({ ok: true, request });
  });

  it.each([
    ['who', 'request is not JSON'],
    ['[]', 'request is not a JSON object'],
    ['null', 'request is not a JSON object'],
    ['{"op":"shutdown"}', 'unknown op'],
    ['{"op":"kick"}', 'kick needs a user'],
    ['{"op":"kick","user":""}', 'kick needs a user'],
    ['{"op":"kick","user":"a","reason":"bored"}', 'unknown kick reason'],
  ])('refuses %s', (line, error) => {
    expect(parseAdminRequest(line)).toEqual({ ok: false, error });
  });
});
