import type { PendingCondition } from '../runtime/start-up-conditions';
import type { ActiveTrafficPolicy } from '../traffic/upstream-traffic';

/**
 * The rules of a mesh instance's readiness, as plain functions of a snapshot: no Nest, no
 * terminus, no clock of their own, so each rule is tested in milliseconds.
 */

/** What readiness is judged on, read from the `MeshRuntime` at the moment of the probe. */
export interface MeshHealthSnapshot {
  mode: 'proxyless' | 'sidecar';
  instanceId: string;
  /** Announced in discovery (proxyless); callers can only find a registered instance. */
  registered: boolean;
  /** Expiry of the workload certificate the mTLS listener presents; undefined when none is loaded. */
  certificateNotAfter: Date | undefined;
  /** Instances discovery lists for each declared upstream (sidecar mode: 1, the sidecar). */
  upstreamInstances: Readonly<Record<string, number>>;
  /** What the instance still waits for since it started (database, Kafka, consumers joining). */
  pending: readonly PendingCondition[];
  /** The traffic policy version (and injected fault) in force per upstream, where the mesh applies them. */
  trafficPolicies?: Readonly<Record<string, ActiveTrafficPolicy>>;
}

/** `up` and `degraded` keep the instance ready (HTTP 200); one `down` part makes it not ready (503). */
export type MeshHealthStatus = 'up' | 'degraded' | 'down';

/** One reported part of readiness: its key in terminus' body, its status and what it saw. */
export interface MeshHealthPart {
  key: 'discovery' | 'certificate' | 'upstreams' | 'startup';
  status: MeshHealthStatus;
  data: Record<string, unknown>;
}

/**
 * Judges readiness. Proxyless, the library is the data plane, so an instance is ready only
 * while it is registered (callers find it) and its certificate is unexpired (callers' TLS
 * accepts it). In sidecar mode both belong to the platform and are not reported. Upstreams
 * are reported with their instance counts; one without instances only makes the instance
 * `degraded`, never not ready: an outage of a dependency must not take every caller out of
 * rotation with it, and the calls that do not need it still work. In every mode, what the
 * instance still waits for since it started (`startup`) makes it not ready.
 */
export function assessMeshHealth(snapshot: MeshHealthSnapshot, now: Date): MeshHealthPart[] {
  const parts: MeshHealthPart[] = [];
  if (snapshot.mode === 'proxyless') parts.push(discoveryPart(snapshot), certificatePart(snapshot.certificateNotAfter, now));
  parts.push(upstreamsPart(snapshot.upstreamInstances, snapshot.trafficPolicies), startUpPart(snapshot.pending));
  return parts;
}

/**
 * Not ready while anything the instance started with is still pending: its database, its
 * Kafka producer, a consumer that has not joined its group yet. The body names each one and
 * why, so an operator sees what the instance is waiting for.
 */
function startUpPart(pending: readonly PendingCondition[]): MeshHealthPart {
  if (pending.length === 0) return { key: 'startup', status: 'up', data: {} };
  return { key: 'startup', status: 'down', data: { waitingFor: Object.fromEntries(pending.map((condition) => [condition.key, condition.reason])) } };
}

function discoveryPart({ registered, instanceId }: MeshHealthSnapshot): MeshHealthPart {
  return { key: 'discovery', status: registered ? 'up' : 'down', data: { registered, instanceId } };
}

function certificatePart(notAfter: Date | undefined, now: Date): MeshHealthPart {
  if (!notAfter) return { key: 'certificate', status: 'down', data: { message: 'no workload certificate is loaded' } };
  const expiresInSeconds = Math.floor((notAfter.getTime() - now.getTime()) / 1000);
  const expired = notAfter.getTime() <= now.getTime();
  return { key: 'certificate', status: expired ? 'down' : 'up', data: { expired, expiresAt: notAfter.toISOString(), expiresInSeconds } };
}

function upstreamsPart(upstreamInstances: Readonly<Record<string, number>>, trafficPolicies: MeshHealthSnapshot['trafficPolicies']): MeshHealthPart {
  const withoutInstances = Object.keys(upstreamInstances).filter((service) => upstreamInstances[service] === 0);
  const instances = { ...upstreamInstances };
  // `version: null` says plainly that no policy is in force (JSON has no undefined).
  const traffic =
    trafficPolicies && Object.keys(trafficPolicies).length > 0
      ? {
          trafficPolicies: Object.fromEntries(
            Object.entries(trafficPolicies).map(([service, active]) => [
              service,
              { version: active.version ?? null, ...(active.fault ? { fault: active.fault } : {}) },
            ]),
          ),
        }
      : {};
  if (withoutInstances.length === 0) return { key: 'upstreams', status: 'up', data: { instances, ...traffic } };
  return { key: 'upstreams', status: 'degraded', data: { instances, withoutInstances, ...traffic } };
}
