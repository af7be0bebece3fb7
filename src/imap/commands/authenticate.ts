// AUTHENTICATE <mechanism> [initial-response] (RFC 9051 §6.2.2, RFC 4959 SASL-IR, SPEC R6, R5.4): the
// shared SASL module drives the exchange; "+ " continuations carry challenges; "*" cancels; "=" is an empty
// initial response; EXTERNAL only with a verified client certificate.
import { LineTooLongError } from '../../net/errors.js';
import { driveExchange } from '../../sasl/drive.js';
import type { CommandSpec } from '../context.js';
import { raw } from '../protocol/encode.js';
import { bad, no } from '../responses.js';
import { loggedIn } from './logged-in.js';

export const authenticate: CommandSpec<'AUTHENTICATE'> = {
  states: ['not-authenticated'],
  expunge: 'allowed',
  async run(ctx, { mechanism, initialResponse }) {
    const { authenticator, settings } = ctx.services;
    const begun = authenticator.begin(mechanism, {
      tls: ctx.facts.tls !== null,
      peer: ctx.facts.peer,
      allowPlaintextWithoutTls: settings.allowPlaintextWithoutTls,
      remoteAddress: ctx.facts.remoteAddress,
      protocol: 'imap',
      log: ctx.log,
    });
    if (!begun.ok) {
      if (begun.refusal === 'requires-tls') return { result: no('This mechanism needs TLS; use STARTTLS or IMAPS', 'PRIVACYREQUIRED') };
      return { result: no(`Unsupported authentication mechanism ${mechanism}`, 'CANNOT') };
    }
    let tooLong = false;
    const step = await driveExchange(begun.exchange, initialResponse, {
      async challenge(encoded) {
        ctx.send(raw(`+ ${encoded}\r\n`));
        try {
          return await ctx.lines.readLine(); // R11.2: the pre-authentication line limit
        } catch (err) {
          if (!(err instanceof LineTooLongError)) throw err;
          tooLong = true;
          return null;
        }
      },
    });
    if (step.kind === 'bad-response') {
      return { result: tooLong ? bad('Authentication response too long', 'TOOBIG') : bad('Invalid base64 in the authentication exchange') };
    }
    if (step.kind === 'success') return loggedIn(ctx, step.identity);
    switch (step.reason) {
      case 'cancelled':
        return { result: bad('Authentication cancelled') };
      case 'malformed':
        return { result: bad('Malformed authentication exchange') };
      case 'temporary':
        return { result: no('Temporary authentication failure', 'UNAVAILABLE') };
      case 'bad-credentials':
      case 'not-permitted':
      case 'too-many':
        return { result: no('Authentication failed', 'AUTHENTICATIONFAILED') };
      default: {
        const never: never = step.reason;
        return never;
      }
    }
  },
};
