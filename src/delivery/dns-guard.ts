// A wrapper around the injected DNS resolver (SPEC R2.3): after a deadline every pending and later query
// fails with ETIMEOUT, errors always carry a DNS error code, and transient failures are remembered.

/** The shape of `dns.promises.resolve(name, rrtype)`, which mailauth's `resolver` option expects. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** Codes that mean "no such record": not a failure of the DNS itself. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

export interface GuardedResolver {
  resolver: DnsResolver;
  /** Fails every pending and future query with ETIMEOUT. */
  expire(): void;
  /** True once any query failed other than with "no such record". */
  sawTransientFailure(): boolean;
}

function dnsError(code: string, name: string, message: string): Error {
  return Object.assign(new Error(`${message} (${name})`), { code, hostname: name });
}

/** Normalises whatever the resolver threw into an Error with a `code` mailauth understands. */
function asDnsError(err: unknown, name: string): Error & { code: string } {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code.length > 0) {
    return Object.assign(new Error(`DNS error ${code}`), { code, hostname: name });
  }
  return dnsError('ESERVFAIL', name, 'DNS resolver failed') as Error & { code: string };
}

export function guardResolver(inner: DnsResolver, deadlineMs: number): GuardedResolver {
  let expired = false;
  let transient = false;
  const pending = new Set<(err: Error) => void>();
  const expire = (): void => {
    if (expired) return;
    expired = true;
    clearTimeout(timer);
    for (const reject of pending) reject(dnsError('ETIMEOUT', 'deadline', 'DNS deadline passed'));
    pending.clear();
  };
  const timer = setTimeout(expire, deadlineMs);

  const resolver: DnsResolver = (name, rrtype) =>
    new Promise((resolve, reject) => {
      if (expired) {
        transient = true;
        reject(dnsError('ETIMEOUT', name, 'DNS deadline passed'));
        return;
      }
      const onExpire = (err: Error): void => {
        transient = true;
        reject(err);
      };
      pending.add(onExpire);
      let call: Promise<unknown>;
      try {
        call = Promise.resolve(inner(name, rrtype));
      } catch (err) {
        call = Promise.reject(err);
      }
      call.then(
        (value) => {
          pending.delete(onExpire);
          resolve(Array.isArray(value) ? value : []);
        },
        (err: unknown) => {
          pending.delete(onExpire);
          const e = asDnsError(err, name);
          if (!ABSENT.has(e.code)) transient = true;
          reject(e);
        },
      );
    });

  return { resolver, expire, sawTransientFailure: () => transient };
}
