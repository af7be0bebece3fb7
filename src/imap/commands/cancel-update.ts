// CANCELUPDATE "tag" ... (RFC 5267 §4.3): ends the CONTEXT=SEARCH updates of those SEARCH commands. Every tag must
// name a kept update, else nothing is cancelled (NO), as a command either does all it was asked or nothing.
import { selectedOf, type CommandSpec } from '../context.js';
import { no, ok } from '../responses.js';
import { searchUpdates } from '../search/updates.js';

export const cancelUpdate: CommandSpec<'CANCELUPDATE'> = {
  states: ['selected'],
  expunge: 'allowed',
  async run(ctx, cmd) {
    const updates = searchUpdates(selectedOf(ctx).view);
    const unknown = cmd.tags.find((tag) => !updates.some((u) => u.tag === tag));
    if (unknown !== undefined) return { result: no(`No update for tag ${JSON.stringify(unknown)}`) };
    for (const tag of cmd.tags) updates.splice(updates.findIndex((u) => u.tag === tag), 1);
    return { result: ok('Updates cancelled') };
  },
};
