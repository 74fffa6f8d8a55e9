import { MeshError } from '../errors/mesh-error';

/** The registry (or the view) was closed; nothing more can be registered or watched through it. */
export class RegistryClosed extends MeshError {
  readonly code = 'registry_closed';
  readonly retryable = false;
  readonly status = 503;
}

/** The registry could not store an instance (backend unreachable, call timed out). */
export class RegistrationFailed extends MeshError {
  readonly code = 'registration_failed';
  readonly retryable = true;
  readonly status = 503;
}

/**
 * An instance's lease was lost (etcd restarted, lease expired during a pause, revoked by
 * someone else); reported while the registry registers the instance again under a new lease.
 */
export class LeaseLost extends MeshError {
  readonly code = 'lease_lost';
  readonly retryable = true;
  readonly status = 503;
}

/** The registry could not be read (range read, watch, DNS lookup). */
export class DiscoveryFailed extends MeshError {
  readonly code = 'discovery_failed';
  readonly retryable = true;
  readonly status = 503;
}

/** Receives failures that happen in the background, where no caller could catch them. */
export type DiscoveryErrorHandler = (error: unknown) => void;

/**
 * Default DiscoveryErrorHandler: a process warning, so background failures are visible on
 * stderr without a logger dependency and never crash the process.
 */
export function warnOfDiscoveryError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), { code: 'MESHMART_DISCOVERY' });
}
