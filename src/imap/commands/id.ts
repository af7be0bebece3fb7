// ID (RFC 2971) and ENABLE (RFC 5161): who we are, and the extensions a client turns on.
import type { CommandSpec } from '../context.js';
import { enableCondstore } from '../condstore.js';
import { list, raw, string } from '../protocol/encode.js';

/** What we tell clients about ourselves (RFC 2971 §3.3 field names). */
const SERVER_ID = ['name', 'Postern', 'vendor', 'Postern'];
import { bad, ok } from '../responses.js';

export const id: CommandSpec<'ID'> = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  expunge: 'allowed',
  beforeTls: true,
  run(ctx, { params }) {
    if (params !== null) ctx.log.info({ clientId: Object.fromEntries(Object.entries(params).slice(0, 30)) }, 'client ID');
    ctx.send(Buffer.concat([raw('* ID '), list(SERVER_ID.map((s) => string(s))), raw('\r\n')]));
    return { result: ok('ID completed') };
  },
};

/** Extensions this server lets a client enable (RFC 5161 §3.1: others are ignored). */
const ENABLEABLE = new Set(['UTF8=ACCEPT', 'IMAP4REV2', 'CONDSTORE', 'QRESYNC']);

export const enable: CommandSpec<'ENABLE'> = {
  states: ['authenticated'],
  expunge: 'allowed',
  run(ctx, { capabilities }) {
    if (capabilities.length === 0) return { result: bad('ENABLE needs at least one capability') };
    const done: string[] = [];
    const utf8Before = ctx.enabled.utf8Accept;
    for (const cap of capabilities.map((c) => c.toUpperCase())) {
      if (!ENABLEABLE.has(cap)) continue;
      if (cap === 'UTF8=ACCEPT' && !utf8Before && !done.includes(cap)) {
        ctx.enabled.utf8Accept = true;
        done.push(cap);
      }
      if (cap === 'IMAP4REV2' && !ctx.enabled.imap4rev2) {
        // RFC 9051 §5.1, Appendix E: a rev2 session has UTF-8 mailbox names and strings (as UTF8=ACCEPT).
        ctx.enabled.imap4rev2 = true;
        ctx.enabled.utf8Accept = true;
        done.push('IMAP4rev2');
      }
      if (cap === 'QRESYNC' && !ctx.enabled.qresync) {
        ctx.enabled.qresync = true;
        enableCondstore(ctx); // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
        done.push(cap);
      }
      if (cap === 'CONDSTORE' && !ctx.enabled.condstore) {
        enableCondstore(ctx); // RFC 7162 §3.1: ENABLE is a CONDSTORE-enabling command
        done.push(cap);
      }
    }
    ctx.send(raw(`* ENABLED${done.map((c) => ` ${c}`).join('')}\r\n`));
    return { result: ok('ENABLE completed') };
  },
};
