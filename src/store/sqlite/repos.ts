// The table gateways of one open database, prepared once, and the shape every use case returns: its value
// plus the changes to publish once the transaction has committed (SPEC R7.5).
import type { MailboxChange } from '../changes.js';
import { BodyIndexRepo } from './body-index.js';
import type { SqliteDb } from './database.js';
import { KeywordRepo } from './keywords.js';
import { MailboxRepo } from './mailboxes.js';
import { MessageRepo } from './messages.js';
import { NoselectRepo } from './noselect.js';
import { RecentRepo } from './recent.js';
import { RenderingsRepo } from './renderings.js';
import { SearchFieldsRepo } from './search-fields.js';
import { SearchKeysRepo } from './search-keys.js';
import { SortKeysRepo } from './sort-keys.js';
import { UserRepo } from './users.js';

export interface Repos {
  db: SqliteDb;
  users: UserRepo;
  mailboxes: MailboxRepo;
  messages: MessageRepo;
  /** \Noselect placeholders (issue 13 item 17). */
  noselect: NoselectRepo;
  recent: RecentRepo;
  keywords: KeywordRepo;
  bodyIndex: BodyIndexRepo;
  /** ENVELOPE / BODY / BODYSTRUCTURE wire forms per body (issue 17 item 2). */
  renderings: RenderingsRepo;
  searchFields: SearchFieldsRepo;
  searchKeys: SearchKeysRepo;
  /** SORT and THREAD keys per body (issue 15 item 4). */
  sortKeys: SortKeysRepo;
}

export interface Outcome<T> {
  value: T;
  changes: MailboxChange[];
}

export function createRepos(db: SqliteDb): Repos {
  const mailboxes = new MailboxRepo(db);
  const messages = new MessageRepo(db);
  const users = new UserRepo(db, mailboxes, messages);
  const bodyIndex = new BodyIndexRepo(db);
  return {
    db,
    users,
    mailboxes,
    messages,
    noselect: new NoselectRepo(db),
    recent: new RecentRepo(db),
    keywords: new KeywordRepo(db),
    bodyIndex,
    renderings: new RenderingsRepo(db, bodyIndex),
    searchFields: new SearchFieldsRepo(db),
    searchKeys: new SearchKeysRepo(db),
    sortKeys: new SortKeysRepo(db),
  };
}
