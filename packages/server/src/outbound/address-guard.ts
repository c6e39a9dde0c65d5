import dns from 'node:dns/promises';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses (v4 and v6). */
export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a, b] = address.split('.').map(Number);
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:')) return isPrivateAddress(lower.slice(7));
  return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff');
}

/**
 * Refuses a URL whose host resolves to a private address, unless private targets are allowed.
 * Returns a reason to refuse, or undefined when the target may be reached.
 */
export async function refuseReason(url: URL, allowPrivate: boolean): Promise<string | undefined> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported URL scheme ${url.protocol}`;
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((entry) => entry.address);
  const blocked = addresses.find(isPrivateAddress);
  return blocked ? `refusing to reach private address ${blocked} (set TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND=true to allow)` : undefined;
}

/** The error code of a connect-time refusal by `privateRefusingLookup`. */
export const REFUSED_CODE = 'EPRIVATEADDRESS';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the outbound agent's sockets that refuses private addresses at connect time.
 * `refuseReason` resolves the name once before the request; the socket resolves it again, and a
 * name that answers differently the second time (DNS rebinding) would otherwise reach a private address.
 */
export function privateRefusingLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked) {
      const refused: NodeJS.ErrnoException = new Error(`refusing to reach private address ${blocked.address} (set TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND=true to allow)`);
      refused.code = REFUSED_CODE;
      return callback(refused, []);
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
}
