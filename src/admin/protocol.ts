// The admin socket's protocol (issue 16 items 5, 6, 7, 10), pure: what `postern who|kick|reload|user` send to
// the running `postern serve` over its Unix socket (mode 0600, owner only), and what it answers.
//
//   request:  one line of JSON, "\n"-terminated, at most MAX_REQUEST_BYTES octets, one per connection:
//               {"op":"who"}
//               {"op":"kick","user":"NAME","reason":"kicked"|"disabled"|"deleted"}
//               {"op":"reload"}
//   response: one line of JSON, then the server closes the connection:
//               {"ok":true,"sessions":[{sid,protocol,user,remoteAddress,tls,since}, ...]}      (who)
//               {"ok":true,"ended":N}                                                          (kick)
//               {"ok":true,"applied":["log.level", ...],"needsRestart":["listeners", ...]}      (reload)
//               {"ok":false,"error":"why"}                                                     (any)
// There is no authentication beyond the socket's file mode: whoever can open it is the administrator.
import type { EndReason, LiveSessionView } from '../net/live-sessions.js';

export const MAX_REQUEST_BYTES = 4096;

export type AdminRequest =
  | { op: 'who' }
  | { op: 'kick'; user: string; reason: EndReason }
  | { op: 'reload' };

export type AdminResponse =
  | { ok: true; sessions: LiveSessionView[] }
  | { ok: true; ended: number }
  | { ok: true; applied: string[]; needsRestart: string[] }
  | { ok: false; error: string };

const REASONS: readonly EndReason[] = ['kicked', 'disabled', 'deleted'];

/** Parses one request line (without its "\n"); an error message for anything else. */
export function parseAdminRequest(line: string): { ok: true; request: AdminRequest } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'request is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'request is not a JSON object' };
  const v = value as Record<string, unknown>;
  switch (v.op) {
    case 'who':
    case 'reload':
      return { ok: true, request: { op: v.op } };
    case 'kick': {
      if (typeof v.user !== 'string' || v.user.length === 0 || v.user.length > 320) return { ok: false, error: 'kick needs a user' };
      const reason = v.reason ?? 'kicked';
      if (typeof reason !== 'string' || !(REASONS as readonly string[]).includes(reason)) return { ok: false, error: 'unknown kick reason' };
      return { ok: true, request: { op: 'kick', user: v.user, reason: reason as EndReason } };
    }
    default:
      return { ok: false, error: 'unknown op' };
  }
}

export function formatAdminMessage(message: AdminRequest | AdminResponse): string {
  return `${JSON.stringify(message)}\n`;
}
