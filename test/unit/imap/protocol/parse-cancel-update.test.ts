// CANCELUPDATE (RFC 5267 §4.3): one or more quoted tags; anything else is BAD.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/imap/protocol/parse.js';
import { ProtocolError, type Command } from '../../../../src/imap/protocol/types.js';

const cmd = (line: string): Command => parseCommand(Buffer.from(line), { utf8Accept: false }).command;

describe('CANCELUPDATE', () => {
  it('takes quoted tags', () => {
    expect(cmd('a CANCELUPDATE "t1"')).toEqual<Command>({ name: 'CANCELUPDATE', tags: ['t1'] });
    expect(cmd('a cancelupdate "t1" "a \\"b\\""')).toEqual<Command>({ name: 'CANCELUPDATE', tags: ['t1', 'a "b"'] });
  });

  it.each(['a CANCELUPDATE', 'a CANCELUPDATE t1', 'a CANCELUPDATE "t1" ', 'a CANCELUPDATE {2}\r\nt1', 'a CANCELUPDATE "t1"x'])('%j is BAD', (line) => {
    expect(() => cmd(line)).toThrow(ProtocolError);
  });
});
