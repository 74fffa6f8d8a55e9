import type { IncomingHttpHeaders } from 'node:http';

/**
 * The public client's address. With no proxy in front (`trustedHops` 0) it is the socket's peer
 * and `X-Forwarded-For` is ignored (anyone can write it). Behind `trustedHops` proxies that each
 * append the address they were called from (Envoy, an Istio ingress), it is the entry the
 * outermost one appended; what a client wrote before that is not trusted. Too few entries:
 * the socket's peer.
 */
export function clientAddress(socketAddress: string, headers: IncomingHttpHeaders, trustedHops: number): string {
  if (trustedHops === 0) return socketAddress;
  const forwarded = headers['x-forwarded-for'];
  const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[entries.length - trustedHops] ?? socketAddress;
}
