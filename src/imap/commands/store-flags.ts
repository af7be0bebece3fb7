// STORE <sequence-set> [(UNCHANGEDSINCE <modseq>)] (+FLAGS|-FLAGS|FLAGS)[.SILENT] (<flag>...), and UID STORE
// (RFC 9051 §6.4.6, §6.4.9; RFC 7162 §3.1.3 UNCHANGEDSINCE and [MODIFIED]): changed messages are reported
// with FETCH (FLAGS ...) here, so the dispatcher's flush does not report them a second time.
import { enableCondstore } from '../condstore.js';
import { selectedOf, type CommandSpec } from '../context.js';
import { number, raw, type Wire } from '../protocol/encode.js';
import { no, ok } from '../responses.js';
import { formatSet, resolveSet } from '../sequence.js';
import { fetchLine } from '../fetch/items.js';

export const storeFlags: CommandSpec<'STORE'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const { view, user } = selectedOf(ctx);
    const verb = cmd.uid ? 'UID STORE' : 'STORE';
    // RFC 3501 §6.3.2: in a read-only mailbox (EXAMINE) no change to flags is permitted. Issue 13 item 17: as
    // Dovecot, the STORE is ignored with OK, and is NO only when UNCHANGEDSINCE asks for a conditional change.
    if (view.readOnly) {
      if (cmd.unchangedSince !== null) return { result: no('Conditional STORE failed: mailbox is read-only (opened with EXAMINE)') };
      return { result: ok('STORE ignored: mailbox is read-only (opened with EXAMINE)') };
    }
    const uids = resolveSet(view.allUids(), cmd.set, { byUid: cmd.uid });
    if (cmd.unchangedSince !== null) enableCondstore(ctx); // RFC 7162 §3.1: CONDSTORE-enabling
    // \Recent is session state (RFC 3501 §2.3.2): the parser refused it with BAD (issue 13 item 17).
    const flags = cmd.flags;
    const outcome =
      uids.length === 0
        ? { changed: [], modified: [] }
        : await ctx.services.store.setFlags(
            user.id,
            view.mailboxId,
            uids,
            cmd.mode,
            flags,
            cmd.unchangedSince === null ? {} : { unchangedSince: cmd.unchangedSince },
          );
    // Issue 13 item 2: a keyword new to the mailbox is announced (FLAGS) before the FETCH that shows it.
    for (const line of view.keywordUpdate(outcome.changed.flatMap((c) => c.flags))) ctx.send(line);
    for (const change of outcome.changed) {
      // RFC 3501 §6.4.6: .SILENT hides this session's own change, never one made by another session (issue 13).
      view.ownFlagChange(change.uid, change.modseq, !cmd.silent);
      const seq = view.seqOf(change.uid);
      if (seq === 0) continue;
      const items: Wire[] = [];
      // RFC 7162 §3.1.3 (example 10): with CONDSTORE on, .SILENT still reports the new MODSEQ.
      if (!cmd.silent) items.push(Buffer.concat([raw('FLAGS '), view.withRecent(change.uid, change.flags)]));
      if (items.length === 0 && !ctx.enabled.condstore) continue;
      if (cmd.uid || ctx.enabled.qresync) items.unshift(Buffer.concat([raw('UID '), number(change.uid)])); // QRESYNC: the client keys its cache by UID
      if (ctx.enabled.condstore) items.push(raw(`MODSEQ (${change.modseq})`));
      ctx.send(fetchLine(seq, items));
    }
    if (outcome.modified.length > 0) {
      // RFC 7162 §3.1.3: UIDs for UID STORE, message numbers for STORE, of the messages left unchanged.
      const numbers = cmd.uid ? outcome.modified : outcome.modified.map((u) => view.seqOf(u)).filter((s) => s > 0);
      return { result: ok(`Conditional ${verb} failed for some messages`, `MODIFIED ${formatSet(numbers.sort((a, b) => a - b))}`) };
    }
    return { result: ok(`${verb} completed`) };
  },
};
