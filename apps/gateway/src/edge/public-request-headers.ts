import type { IncomingHttpHeaders } from 'node:http';
import { DEADLINE_HEADER } from '@meshmart/mesh';

/**
 * Headers only the mesh and its proxies may set: Envoy's (`x-envoy-*`, among them the deadline
 * the mesh honours), Istio's, Linkerd's (`l5d-*`), the client-certificate details a sidecar
 * forwards, and W3C baggage (context the services may trust). From the public they are forgeries,
 * so the edge drops them, as Envoy does for untrusted callers. `traceparent` stays: a trace may
 * start at the shopper.
 */
const MESH_HEADER_PREFIXES = ['x-envoy-', 'x-istio-', 'l5d-'] as const;
const MESH_HEADERS = new Set(['x-forwarded-client-cert', 'baggage']);

export function isMeshInternalHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return MESH_HEADERS.has(lower) || MESH_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Drops every mesh-internal header a public caller sent, then sets the edge's own deadline
 * (`timeoutMs`) in the mesh's deadline header: the mesh answers 504 when it passes and hands
 * what is left of it to every call made for this request. Mutates `headers` (Node's object).
 */
export function sealPublicHeaders(headers: IncomingHttpHeaders, timeoutMs: number): void {
  for (const name of Object.keys(headers)) if (isMeshInternalHeader(name)) delete headers[name];
  headers[DEADLINE_HEADER] = String(timeoutMs);
}
