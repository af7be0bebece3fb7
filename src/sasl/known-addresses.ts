// The addresses each account has logged in from (SPEC R6.4), in memory and bounded: when an account is past
// its global failure limit, these are the addresses still checked, so its owner gets in while a guesser spread
// over many addresses is refused (issue 12 hole 14). Forgotten at restart, like the failure counts.

/** Accounts remembered, and addresses per account; the least recently used are forgotten first. */
const MAX_ACCOUNTS = 100_000;
const MAX_PER_ACCOUNT = 8;

export class KnownAddresses {
  private readonly byUser = new Map<string, string[]>();

  has(user: string, address: string): boolean {
    return this.byUser.get(user)?.includes(address) ?? false;
  }

  add(user: string, address: string): void {
    const list = (this.byUser.get(user) ?? []).filter((a) => a !== address);
    list.push(address);
    if (list.length > MAX_PER_ACCOUNT) list.splice(0, list.length - MAX_PER_ACCOUNT);
    this.byUser.delete(user);
    this.byUser.set(user, list);
    if (this.byUser.size > MAX_ACCOUNTS) {
      const oldest = this.byUser.keys().next().value;
      if (oldest !== undefined) this.byUser.delete(oldest);
    }
  }
}
