// Address sets such as config `trustedNetworks` (CIDR blocks), matched with node's BlockList.
import { BlockList, isIP } from 'node:net';

export class NetworkSet {
  private readonly list = new BlockList();

  /** Entries like "10.0.0.0/8", "::1/128" or a single address. Throws naming a malformed entry. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefixText] = entry.split('/');
      const family = isIP(address);
      if (family === 0) throw new Error(`not an IP address: ${entry}`);
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${entry}`);
      this.list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** True when the address lies in one of the blocks; IPv4-mapped IPv6 addresses match IPv4 blocks. */
  has(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
    const family = isIP(mapped);
    if (family === 0) return false;
    return this.list.check(mapped, family === 4 ? 'ipv4' : 'ipv6');
  }
}
