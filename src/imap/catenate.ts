// APPEND … CATENATE (RFC 4469; issue 15 item 6): builds one message from TEXT literals and the octets of
// messages (or sections of them) the user already has, named by IMAP URLs (protocol/imap-url.ts), as
// FETCH BODY.PEEK[section]<partial> would serve them (never setting \Seen). Only the logged-in user's own
// mailboxes: a URL that does not parse, names a mailbox that does not exist, another UIDVALIDITY, a message or
// part that is not there, is NO [BADURL url] (§6); a result above APPENDLIMIT is NO [TOOBIG] (§6), checked as
// the parts are read so no more than the limit is ever held. R3.4: a part from a mailbox holding REQUIRETLS mail
// (or from a REQUIRETLS message) is refused to a session without TLS with NO [PRIVACYREQUIRED].
import { readFileSync } from 'node:fs';
import type { SpooledBody } from '../net/spool.js';
import { isStoreError } from '../store/errors.js';
import type { MailboxInfo, MessageStructure } from '../store/types.js';
import type { ImapContext } from './context.js';
import type { ImapUser } from './state.js';
import { partialSectionBytes, sectionBytes, type FetchedMessage } from './fetch/body-section.js';
import { privacyRefusal, privacyRequired } from './privacy.js';
import { badUrlText, parseMessageUrl, type MessageUrl } from './protocol/imap-url.js';
import { findPart } from './protocol/section.js';
import type { CatenatePart, Section } from './protocol/types.js';
import { no, type TaggedResult } from './responses.js';

const WHOLE: Section = { part: [], text: null, fields: [] };

/** The outcome of building one message: its octets, or the command's NO. */
export type Catenated = { bytes: Buffer } | { refusal: TaggedResult };

class Refused extends Error {
  constructor(readonly refusal: TaggedResult) {
    super(refusal.text);
  }
}

const badUrl = (url: string): Refused => new Refused(no('Bad URL or message not available', `BADURL ${badUrlText(url)}`));

/** A TEXT literal's octets: the literal, or the spooled literal its marker stands for (session.ts spoolLiteral). */
function textBytes(data: Buffer, spooled: ReadonlyMap<string, SpooledBody>): Buffer {
  const body = data.length < 64 ? spooled.get(data.toString('latin1')) : undefined;
  if (body === undefined) return data;
  return body.kind === 'memory' ? body.bytes : readFileSync(body.path);
}

/** The octets a URL names, as FETCH BODY.PEEK[section]<partial> serves them. */
async function urlBytes(ctx: ImapContext, user: ImapUser, url: string, parsed: MessageUrl): Promise<Buffer> {
  const { store } = ctx.services;
  let info: MailboxInfo;
  try {
    info = await store.getMailbox(user.id, parsed.mailbox);
  } catch (err) {
    if (isStoreError(err, 'not-found')) throw badUrl(url);
    throw err;
  }
  const refusal = privacyRefusal(ctx, info); // R3.4: nothing of a protected mailbox to a cleartext session
  if (refusal) throw new Refused(refusal);
  if (parsed.uidValidity !== null && parsed.uidValidity !== info.uidValidity) throw badUrl(url);
  const [meta] = await store.listMessages(user.id, info.id, [{ from: parsed.uid, to: parsed.uid }]);
  if (!meta) throw badUrl(url);
  if (meta.requireTls && ctx.facts.tls === null) throw new Refused(privacyRequired()); // R3.4, the message itself
  const section = parsed.section ?? WHOLE;
  let structure: MessageStructure | null = null;
  if (section.part.length > 0 || section.text !== null) {
    structure = (await store.messageStructures(user.id, info.id, [meta.uid])).get(meta.uid) ?? null;
    if (!structure) throw badUrl(url);
    if (section.part.length > 0 && !findPart(structure.mime, section.part)) throw badUrl(url);
  }
  const msg: FetchedMessage = { meta, structure, read: (range) => store.readMessage(user.id, info.id, meta.uid, range), whole: null };
  try {
    return parsed.partial ? await partialSectionBytes(msg, section, parsed.partial) : await sectionBytes(msg, section);
  } catch (err) {
    if (isStoreError(err, 'not-found')) throw badUrl(url); // expunged meanwhile
    throw err;
  }
}

/** The message the parts make, or the NO for the command (the first part that fails decides). */
export async function catenate(ctx: ImapContext, user: ImapUser, parts: readonly CatenatePart[], spooled: ReadonlyMap<string, SpooledBody>): Promise<Catenated> {
  const limit = ctx.services.settings.maxMessageBytes;
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    for (const part of parts) {
      let bytes: Buffer;
      if (part.kind === 'text') bytes = textBytes(part.data, spooled);
      else {
        const parsed = parseMessageUrl(part.url);
        if (!parsed) throw badUrl(part.url);
        bytes = await urlBytes(ctx, user, part.url, parsed);
      }
      size += bytes.length;
      if (size > limit) return { refusal: no(`Message larger than the limit of ${limit} octets`, 'TOOBIG') }; // RFC 4469 §6, RFC 7889
      pieces.push(bytes);
    }
  } catch (err) {
    if (err instanceof Refused) return { refusal: err.refusal };
    throw err;
  }
  return { bytes: Buffer.concat(pieces, size) };
}
