// Helpers for the IMAP command parser tests: wire bytes from text, sequence sets, parse-or-error.
import { parseCommand } from '../../../../src/imap/protocol/parse.js';
import { ProtocolError, ProtocolRefusal, type Command, type SequenceSet } from '../../../../src/imap/protocol/types.js';

/** Parses one command given as text (UTF-8) or bytes. */
export function cmd(line: string | Buffer, utf8Accept = false): Command {
  return parseCommand(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, { utf8Accept }).command;
}

/** The ProtocolError a line produces; fails the test when it parses. */
export function error(line: string | Buffer, utf8Accept = false): ProtocolError {
  try {
    parseCommand(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, { utf8Accept });
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${JSON.stringify(line.toString())}`);
}

/** The ProtocolRefusal (the session's NO) a line produces; fails the test when it parses or is BAD. */
export function refusal(line: string | Buffer, utf8Accept = false): ProtocolRefusal {
  try {
    parseCommand(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, { utf8Accept });
  } catch (err) {
    if (err instanceof ProtocolRefusal) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${JSON.stringify(line.toString())}`);
}

/** A sequence set from numbers and [from, to] pairs; Infinity for "*". */
export function set(...ranges: Array<number | [number, number]>): SequenceSet {
  return { kind: 'set', ranges: ranges.map((r) => (typeof r === 'number' ? { from: r, to: r } : { from: r[0], to: r[1] })) };
}
