// THREAD and UID THREAD (RFC 5256 §4 THREAD, §3 ORDEREDSUBJECT and REFERENCES; SPEC R7.2, R3.4): `* THREAD`
// followed by each thread in parentheses, from the keys the store keeps per body (issue 15 item 4).
import type { CommandSpec } from '../context.js';
import { raw } from '../protocol/encode.js';
import { ok } from '../responses.js';
import { sortItemsFor } from '../sort/matching.js';
import { formatThreads, orderedSubject, referencesThreads } from '../sort/threads.js';

export const thread: CommandSpec<'THREAD'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const items = await sortItemsFor(ctx, cmd.charset, cmd.key, ['thread']);
    if (!Array.isArray(items)) return { result: items };
    const threads = cmd.algorithm === 'REFERENCES' ? referencesThreads(items) : orderedSubject(items);
    const data = formatThreads(threads, (m) => (cmd.uid ? m.uid : m.seq));
    ctx.send(raw(`* THREAD${data === '' ? '' : ` ${data}`}\r\n`));
    return { result: ok(`${cmd.uid ? 'UID THREAD' : 'THREAD'} completed`) };
  },
};
