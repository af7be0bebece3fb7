// SASL LOGIN (draft-murchison-sasl-login-00): the server asks "Username:" then "Password:"; each answer is
// one response. A client may send the user name as the initial response (RFC 4954 §4 style).
import {
  challenge,
  decodeUtf8,
  failure,
  MAX_NAME_BYTES,
  MAX_PASSWORD_BYTES,
  type MechanismDeps,
  type SaslExchange,
  type SaslStep,
} from './mechanism.js';
import { checkPassword } from './password-check.js';

const USERNAME_PROMPT = Buffer.from('Username:');
const PASSWORD_PROMPT = Buffer.from('Password:');

type LoginState = 'username' | 'password' | 'done';

export class LoginExchange implements SaslExchange {
  readonly mechanism = 'LOGIN';
  private state: LoginState = 'username';
  private user: string | null = null;

  constructor(private readonly deps: MechanismDeps) {}

  get attemptedUser(): string | null {
    return this.user;
  }

  async start(initial: Buffer | null): Promise<SaslStep> {
    if (initial === null || initial.length === 0) return challenge(USERNAME_PROMPT);
    return this.step(initial);
  }

  async step(response: Buffer): Promise<SaslStep> {
    switch (this.state) {
      case 'username': {
        const name = response.length <= MAX_NAME_BYTES ? decodeUtf8(response) : null;
        if (name === null || name.length === 0) return this.finish(failure('malformed'));
        this.user = name;
        this.state = 'password';
        return challenge(PASSWORD_PROMPT);
      }
      case 'password': {
        const password = response.length <= MAX_PASSWORD_BYTES ? decodeUtf8(response) : null;
        if (password === null || password.length === 0 || this.user === null) return this.finish(failure('malformed'));
        const checked = await checkPassword(this.deps, this.user, password);
        if (!checked.ok) return this.finish(checked.outcome);
        return this.finish({ kind: 'success', identity: { userId: checked.user.id, user: checked.user.name } });
      }
      case 'done':
        return failure('malformed');
    }
  }

  async cancel(): Promise<SaslStep> {
    this.state = 'done';
    return failure('cancelled');
  }

  private finish(step: SaslStep): SaslStep {
    this.state = 'done';
    return step;
  }
}
