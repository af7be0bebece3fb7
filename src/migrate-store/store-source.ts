// `postern migrate-store` verify (issue 18 item 5): one user of a Postern store seen as an ImportSource, so that
// `postern import`'s verify step (src/import/verify-import.ts) compares the target with it: every mailbox with its
// UIDVALIDITY and UIDNEXT, every message with its UID, flags, INTERNALDATE, REQUIRETLS and served bytes.
// Bounded memory: metadata is read 256 UIDs at a time and each message's bytes only when verify reads it.
import type { ImportSource, SourceMailbox, SourceMessage } from '../import/source.js';
import type { Store } from '../store/store.js';
import type { MailboxInfo, User } from '../store/types.js';

const CHUNK = 256;

function storeMailbox(store: Store, user: User, box: MailboxInfo): SourceMailbox {
  let count: number | undefined;
  return {
    name: box.name,
    uidValidity: box.uidValidity,
    uidNext: () => box.uidNext,
    expected: () => count,
    async *messages(): AsyncIterable<SourceMessage> {
      const uids = await store.listUids(user.id, box.id);
      count = uids.length;
      for (let i = 0; i < uids.length; i += CHUNK) {
        const span = uids.slice(i, i + CHUNK);
        for (const meta of await store.listMessages(user.id, box.id, [{ from: span[0]!, to: span[span.length - 1]! }])) {
          yield {
            uid: meta.uid,
            flags: meta.flags,
            internalDate: meta.internalDate,
            requireTls: meta.requireTls,
            where: `source UID ${meta.uid}`,
            async read() {
              const [m] = await store.readMessages(user.id, box.id, [meta.uid], 1);
              if (m === undefined || m.uid !== meta.uid) throw new Error('expunged from the source meanwhile');
              return Buffer.concat([m.prefix, m.body]);
            },
          };
        }
      }
    },
  };
}

/** The user's mailboxes (as they are now: UIDNEXT read at the start) and subscriptions in `store`. */
export function storeSource(store: Store, user: User): ImportSource {
  return {
    mailboxes: async () => (await store.listMailboxes(user.id)).map((box) => storeMailbox(store, user, box)),
    subscriptions: () => store.listSubscriptions(user.id),
  };
}
