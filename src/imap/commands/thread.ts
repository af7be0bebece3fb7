// THREAD and UID THREAD (RFC 5256 §4 THREAD, §3 ORDEREDSUBJECT and REFERENCES; SPEC R7.2, R3.4): `* THREAD`
// followed by each thread in parentheses, from the keys the store keeps per body (issue 15 item 4); the forest
// of the same matched messages comes from the service's ThreadCache.
import { selectedOf, type CommandSpec } from '../context.js';
import { raw } from '../protocol/encode.js';
import { ok } from '../responses.js';
import { matchedUids, sortItemsOf } from '../sort/matching.js';
import { formatThreads, orderedSubject, referencesThreads } from '../sort/threads.js';

export const thread: CommandSpec<'THREAD'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const matched = await matchedUids(ctx, cmd.charset, cmd.key);
    if (!Array.isArray(matched)) return { result: matched };
    const { view } = selectedOf(ctx);
    const cache = ctx.services.threadCache;
    let data = cache.lookup(view.mailboxId, view.uidValidity, cmd.algorithm, matched);
    if (data === undefined) {
      const items = await sortItemsOf(ctx, matched, ['thread']);
      const threads = cmd.algorithm === 'REFERENCES' ? referencesThreads(items) : orderedSubject(items);
      data = formatThreads(threads, (m) => m.uid);
      // Under the UIDs threaded: a match expunged while the keys were read is not in this forest.
      cache.remember(view.mailboxId, view.uidValidity, cmd.algorithm, items.map((m) => m.uid), data);
    }
    // Message numbers as the view numbers them now (every UID threaded is in the view: it was matched).
    if (!cmd.uid) data = data.replace(/\d+/g, (uid) => String(view.seqOf(Number(uid))));
    ctx.send(raw(`* THREAD${data === '' ? '' : ` ${data}`}\r\n`));
    return { result: ok(`${cmd.uid ? 'UID THREAD' : 'THREAD'} completed`) };
  },
};
