// SASLprep (RFC 4013 §3 examples and the prohibition and bidi rules of RFC 3454).
import { describe, it, expect } from 'vitest';
import { saslprep } from '../../../src/sasl/saslprep.js';

const prep = (s: string, allowUnassigned = true) => saslprep(s, { allowUnassigned });

describe('saslprep', () => {
  it('follows the RFC 4013 §3 examples', () => {
    expect(prep('I\u00adX')).toEqual({ ok: true, value: 'IX' });
    expect(prep('user')).toEqual({ ok: true, value: 'user' });
    expect(prep('USER')).toEqual({ ok: true, value: 'USER' });
    expect(prep('\u00aa')).toEqual({ ok: true, value: 'a' });
    expect(prep('\u2168')).toEqual({ ok: true, value: 'IX' });
    expect(prep('\u0007').ok).toBe(false);
    expect(prep('\u0627\u0031').ok).toBe(false);
  });

  it('maps non-ASCII spaces to a space and removes characters mapped to nothing', () => {
    expect(prep('a\u00a0b\u3000c')).toEqual({ ok: true, value: 'a b c' });
    expect(prep('pa\u200dss\ufeffword')).toEqual({ ok: true, value: 'password' });
  });

  it('normalises with NFKC so composed and decomposed forms agree', () => {
    expect(prep('e\u0301')).toEqual(prep('\u00e9'));
    expect(prep('\ufb01')).toEqual({ ok: true, value: 'fi' });
  });

  it('prohibits control, private-use, non-character, surrogate and tagging code points', () => {
    for (const s of ['a\u0000b', 'tab\there', '\u0085', '\ue000', '\ufdd0', '\uffff', '\u{1fffe}', '\ud800', '\u202e', '\u{e0041}']) {
      expect(prep(s).ok, JSON.stringify(s)).toBe(false);
    }
  });

  it('accepts right-to-left text that starts and ends right-to-left, refuses mixed directions', () => {
    expect(prep('\u0627\u0628').ok).toBe(true);
    expect(prep('\u0627a\u0628').ok).toBe(false);
  });

  it('refuses unassigned code points in stored strings only', () => {
    expect(prep('\u0378', true).ok).toBe(true);
    expect(prep('\u0378', false).ok).toBe(false);
  });
});
