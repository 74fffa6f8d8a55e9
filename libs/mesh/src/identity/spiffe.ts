import { InvalidWorkloadIdentity } from './identity-errors';

/** The trust domain every MeshMart workload belongs to unless told otherwise. */
export const DEFAULT_TRUST_DOMAIN = 'meshmart.local';

/** The parts of a workload's SPIFFE ID, in the Istio/Kubernetes shape `ns/<ns>/sa/<sa>`. */
export interface SpiffeIdParts {
  /** Trust domain (the mesh); default `meshmart.local`. */
  trustDomain?: string;
  /** Namespace of the workload, a DNS label such as `meshmart`. */
  namespace: string;
  /** Service account, which in MeshMart is the workload name, e.g. `inventory-service`. */
  serviceAccount: string;
}

/** A SPIFFE ID taken apart; every field is present and valid. */
export type ParsedSpiffeId = Required<SpiffeIdParts>;

// Trust domain characters per the SPIFFE ID spec (lowercase only), starting and ending with an
// alphanumeric; namespace and service account are Kubernetes DNS labels, as Istio uses them.
const trustDomainPattern = /^[a-z0-9](?:[a-z0-9._-]{0,253}[a-z0-9])?$/;
const dnsLabelPattern = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const spiffeIdPattern = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

function isTrustDomain(value: string): boolean {
  return trustDomainPattern.test(value) && !value.includes('..');
}

/** True for a Kubernetes-style DNS label (lowercase, digits and inner dashes, at most 63). */
export function isDnsLabel(value: string): boolean {
  return dnsLabelPattern.test(value);
}

/**
 * The SPIFFE ID of a workload. It is what a peer's certificate proves and what authorization
 * policies name, so it is built in one place and refuses parts that would make it ambiguous.
 *
 * @example spiffeId({ namespace: 'meshmart', serviceAccount: 'inventory-service' })
 * // 'spiffe://meshmart.local/ns/meshmart/sa/inventory-service'
 * @throws InvalidWorkloadIdentity when a part is not a valid trust domain or DNS label.
 */
export function spiffeId({ trustDomain = DEFAULT_TRUST_DOMAIN, namespace, serviceAccount }: SpiffeIdParts): string {
  if (!isTrustDomain(trustDomain)) throw new InvalidWorkloadIdentity(`invalid trust domain "${trustDomain}"`);
  if (!isDnsLabel(namespace)) throw new InvalidWorkloadIdentity(`invalid namespace "${namespace}": use a DNS label (a-z, 0-9, -)`);
  if (!isDnsLabel(serviceAccount)) throw new InvalidWorkloadIdentity(`invalid service account "${serviceAccount}": use a DNS label (a-z, 0-9, -)`);
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Takes a SPIFFE ID apart, or answers `undefined` for anything that is not exactly
 * `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>` (no port, query, fragment,
 * user info, upper case, extra or empty segments). Strict because the result decides who a
 * peer is.
 *
 * @example parseSpiffeId('spiffe://meshmart.local/ns/meshmart/sa/cart-service')
 * // { trustDomain: 'meshmart.local', namespace: 'meshmart', serviceAccount: 'cart-service' }
 */
export function parseSpiffeId(uri: string): ParsedSpiffeId | undefined {
  if (typeof uri !== 'string' || uri.length > 2048) return undefined;
  const match = spiffeIdPattern.exec(uri);
  if (!match) return undefined;
  const [, trustDomain = '', namespace = '', serviceAccount = ''] = match;
  if (!isTrustDomain(trustDomain) || !isDnsLabel(namespace) || !isDnsLabel(serviceAccount)) return undefined;
  return { trustDomain, namespace, serviceAccount };
}
