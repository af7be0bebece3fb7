// NOOP   RFC 1939 §5: +OK, nothing else (it resets the autologout timer like any traffic).
import { answer, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const noop: CommandSpec<'NOOP'> = {
  states: ['transaction'],
  run() {
    return answer(R.ok());
  },
};
