// The progress display of `postern import` (issue 16 item 1): a bar redrawn in place on a terminal, plain
// count lines (every 10,000 messages and one per mailbox) otherwise.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../../src/import/progress.js';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}

describe('import progress', () => {
  it('draws a bar with the count on a terminal, then the mailbox line', () => {
    const s = sink();
    const p = new Progress(s.out, true);
    p.start('INBOX');
    for (let i = 0; i < 5; i++) p.tick(10);
    p.finish(4, 1);
    expect(s.text()).toContain('\r\u001b[2KINBOX [');
    expect(s.text()).toMatch(/\[#{15}\.{15}\] 5\/10\n/);
    expect(s.text()).toMatch(/INBOX: 4 imported, 1 already there\n$/);
  });

  it('writes plain lines, no control characters, when not on a terminal', () => {
    const s = sink();
    const p = new Progress(s.out, false);
    p.start('Archive');
    for (let i = 0; i < 20_000; i++) p.tick(undefined);
    p.finish(20_000, 0);
    expect(s.text()).toBe('Archive: 10000 messages\nArchive: 20000 messages\nArchive: 20000 imported, 0 already there\n');
  });
});
