import { z } from 'zod';
import { type ServiceInstance } from './service-instance';

/** One etcd key as the table needs it: revisions are etcd's int64 strings. */
export interface EtcdEntry {
  key: string;
  modRevision: string;
  value: string;
}

/**
 * What a registry key must hold to count as an instance. Strict on what locates an instance,
 * lenient on what has an obvious default, so an older writer's keys still read.
 */
const storedInstanceSchema = z.object({
  id: z.string().min(1),
  service: z.string().min(1),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  zone: z.string().min(1).default('local'),
  version: z.string().default('unknown'),
  weight: z.number().finite().min(0).default(1),
  healthy: z.boolean().default(true),
  scheme: z.enum(['https', 'http']).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/**
 * Reads a registry value as an instance of `service`; undefined for anything else (not JSON,
 * wrong shape, another service), so one bad key never hides the good ones.
 */
export function parseStoredInstance(value: string, service: string): ServiceInstance | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = storedInstanceSchema.safeParse(json);
  return parsed.success && parsed.data.service === service ? parsed.data : undefined;
}

interface Row {
  revision: bigint;
  /** undefined when the key holds no valid instance, or was deleted. */
  instance: ServiceInstance | undefined;
  /** A tombstone: the key was deleted at `revision`. */
  deleted: boolean;
}

/**
 * The instances of one service under etcd revisions, fed by watch events and by full range
 * reads. A read (snapshot) may be answered before or after events the watch already delivered,
 * so each key keeps the revision it was last changed at and the newer fact always wins; deletes
 * are remembered (tombstones) only while a snapshot is in flight, the only time they matter.
 */
export class EtcdInstanceTable {
  private readonly rows = new Map<string, Row>();
  private snapshotsInFlight = 0;

  constructor(private readonly service: string) {}

  /** Call before issuing a range read, so deletes seen meanwhile are not undone by it. */
  beginSnapshot(): void {
    this.snapshotsInFlight += 1;
  }

  /** The range read failed: nothing to apply. */
  abandonSnapshot(): void {
    this.endSnapshot();
  }

  /** Applies a range read of the whole prefix taken at `revision`. */
  applySnapshot(revision: string, entries: readonly EtcdEntry[]): void {
    const snapshotRevision = BigInt(revision);
    const present = new Set<string>();
    for (const entry of entries) {
      present.add(entry.key);
      this.applyPut(entry);
    }
    // Absent at the snapshot's revision and not changed since: deleted while we weren't looking.
    // Kept as a tombstone at that revision, in case an older snapshot is still on its way.
    for (const [key, row] of this.rows) {
      if (!present.has(key) && !row.deleted && row.revision <= snapshotRevision) {
        this.rows.set(key, { revision: snapshotRevision, instance: undefined, deleted: true });
      }
    }
    this.endSnapshot();
  }

  applyPut(entry: EtcdEntry): void {
    const revision = BigInt(entry.modRevision);
    if (this.isStale(entry.key, revision)) return;
    this.rows.set(entry.key, { revision, instance: parseStoredInstance(entry.value, this.service), deleted: false });
  }

  applyDelete(key: string, modRevision: string): void {
    const revision = BigInt(modRevision);
    if (this.isStale(key, revision)) return;
    if (this.snapshotsInFlight > 0) this.rows.set(key, { revision, instance: undefined, deleted: true });
    else this.rows.delete(key);
  }

  instances(): ServiceInstance[] {
    return [...this.rows.values()].flatMap((row) => (row.instance ? [row.instance] : []));
  }

  /** Rows held, tombstones included; for tests of the bookkeeping. */
  get size(): number {
    return this.rows.size;
  }

  private isStale(key: string, revision: bigint): boolean {
    const known = this.rows.get(key);
    return known !== undefined && known.revision >= revision;
  }

  private endSnapshot(): void {
    this.snapshotsInFlight = Math.max(0, this.snapshotsInFlight - 1);
    if (this.snapshotsInFlight > 0) return;
    for (const [key, row] of this.rows) if (row.deleted) this.rows.delete(key);
  }
}
