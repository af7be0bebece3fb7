// Golden fixtures (issue 5, "Done means"): each test/fixtures/mime/<name>.eml rendered as BODYSTRUCTURE and
// ENVELOPE (RFC 9051 §7.5.2) must equal the hand-written <name>.bodystructure / <name>.envelope byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage, type MimeLimits } from '../../../src/mime/parse.js';
import { renderBodyStructure } from '../../../src/imap/protocol/bodystructure.js';
import { renderEnvelope } from '../../../src/imap/protocol/envelope.js';

const DIR = new URL('../../fixtures/mime/', import.meta.url);
const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => f.slice(0, -4))
  .sort();

/** Fixtures that exercise a limit are parsed with a small one. */
const LIMITS: Record<string, Partial<MimeLimits>> = { 'deep-nesting': { maxDepth: 3 } };

function expected(name: string, kind: string): string {
  return readFileSync(new URL(`${name}.${kind}`, DIR)).toString('latin1').replace(/\n$/, '');
}

describe('golden MIME fixtures', () => {
  it('has at least 25 messages, each with both expected files', () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of names) {
    it(`${name}: BODYSTRUCTURE and ENVELOPE`, () => {
      const raw = readFileSync(new URL(`${name}.eml`, DIR));
      const message = parseMessage(raw, LIMITS[name] ?? {});
      expect(renderBodyStructure(message.root).toString('latin1')).toBe(expected(name, 'bodystructure'));
      expect(renderEnvelope(message.envelope).toString('latin1')).toBe(expected(name, 'envelope'));
    });
  }
});
