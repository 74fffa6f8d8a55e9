import { MeshError } from '../errors/mesh-error';

/**
 * A workload identity was asked for with parts that cannot form a SPIFFE ID or a certificate
 * (bad namespace or service name, non-positive TTL). A programming or configuration error, so
 * retrying cannot help.
 */
export class InvalidWorkloadIdentity extends MeshError {
  readonly code = 'invalid_workload_identity';
  readonly retryable = false;
  readonly status = 500;
}

/**
 * The CA, certificate and key on disk do not form a usable identity: unreadable, not PEM, the
 * key does not match the certificate, the certificate is not signed by the CA, or it carries no
 * SPIFFE ID. Retryable because the usual cause is a rotation caught half-way.
 */
export class IdentityMaterialUnusable extends MeshError {
  readonly code = 'identity_material_unusable';
  readonly retryable = true;
  readonly status = 500;
}
