// The small verbs: RSET (RFC 5321 §4.1.1.5), NOOP (§4.1.1.9), QUIT (§4.1.1.10), VRFY (§3.5.3: 252, no
// user enumeration), HELP (§4.1.1.8).
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { R } from '../replies.js';

export function rset(ctx: LmtpContext): Outcome {
  const { state } = ctx;
  const next = state.kind === 'transaction' ? { kind: 'ready' as const, helo: state.helo } : state;
  return answer(R.ok('Reset state'), next);
}

export function noop(): Outcome {
  return answer(R.ok());
}

export function quit(ctx: LmtpContext): Outcome {
  return { replies: [R.bye(ctx.services.settings.hostname)], state: { kind: 'closing' }, after: 'close' };
}

export function vrfy(): Outcome {
  return answer(R.vrfy());
}

export function help(): Outcome {
  return answer(R.help());
}
