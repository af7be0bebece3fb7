// COMPRESS (RFC 4978 §3): after authentication, once per connection; DEFLATE is the only mechanism. The
// dispatcher writes the tagged OK uncompressed, then turns compression on both ways (net/deflate-layer.ts).
import type { CommandSpec } from '../context.js';
import { bad, no, ok } from '../responses.js';

export const compress: CommandSpec<'COMPRESS'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  run(ctx, { mechanism }) {
    if (mechanism.toUpperCase() !== 'DEFLATE') return { result: bad(`Unknown compression mechanism ${mechanism.slice(0, 40)}`) };
    // RFC 4978 §3: a second COMPRESS is refused with COMPRESSIONACTIVE.
    if (ctx.facts.compressed) return { result: no('DEFLATE is already active', 'COMPRESSIONACTIVE') };
    return { result: ok('DEFLATE active'), after: 'compress' };
  },
};
