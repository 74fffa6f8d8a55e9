import type { ServiceInstance } from '../discovery/service-instance';

/** One zone's instances as locality balancing counts them. */
export interface ZoneHealth {
  zone: string;
  total: number;
  healthy: number;
}

/** Share of calls per zone, summing to 1 (or empty when no instance is healthy anywhere). */
export type LocalityLoads = ReadonlyMap<string, number>;

/**
 * Envoy's load calculation for two priority levels: the caller's zone first, every other zone
 * second. A level's availability is its healthy share × overprovisioning factor / 100, capped
 * at 1; the local zone takes its availability, the rest takes what is left up to its own
 * availability, and when both together fall short of 100 % the loads are scaled up to add to
 * it (Envoy's normalisation). Within the rest, zones share in proportion to their healthy
 * instances. So with the default factor 140 the local zone keeps every call while ≥ 1/1.4 of
 * it is healthy, and spills gradually below that.
 */
export function localityLoads(zones: readonly ZoneHealth[], localZone: string, overprovisioningFactor: number): LocalityLoads {
  const factor = overprovisioningFactor / 100;
  const local = zones.find((zone) => zone.zone === localZone);
  const others = zones.filter((zone) => zone.zone !== localZone && zone.healthy > 0);
  const otherTotal = zones.filter((zone) => zone.zone !== localZone).reduce((sum, zone) => sum + zone.total, 0);
  const otherHealthy = others.reduce((sum, zone) => sum + zone.healthy, 0);

  const localAvailability = local && local.total > 0 ? Math.min(1, (local.healthy / local.total) * factor) : 0;
  const otherAvailability = otherTotal > 0 ? Math.min(1, (otherHealthy / otherTotal) * factor) : 0;
  const localLoad = localAvailability;
  const otherLoad = Math.min(1 - localLoad, otherAvailability);
  const sum = localLoad + otherLoad;
  const loads = new Map<string, number>();
  if (sum === 0) return loads;
  if (localLoad > 0) loads.set(localZone, localLoad / sum);
  if (otherLoad > 0) for (const zone of others) loads.set(zone.zone, (otherLoad / sum) * (zone.healthy / otherHealthy));
  return loads;
}

/** Counts each zone's instances, and the ones among them that are healthy. */
export function zoneHealth(all: readonly ServiceInstance[], healthy: readonly ServiceInstance[]): ZoneHealth[] {
  const zones = new Map<string, ZoneHealth>();
  for (const instance of all) {
    const zone = zones.get(instance.zone) ?? { zone: instance.zone, total: 0, healthy: 0 };
    zone.total += 1;
    zones.set(instance.zone, zone);
  }
  for (const instance of healthy) {
    const zone = zones.get(instance.zone);
    if (zone) zone.healthy += 1;
  }
  return [...zones.values()];
}

/**
 * The healthy instances of the zone this call goes to: `all` are the instances the route may
 * use, healthy or not (the share needs both counts), `healthy` the ones discovery, health
 * checks and outlier detection still allow. `random` in [0, 1) picks the zone by its load.
 */
export function selectLocality(
  all: readonly ServiceInstance[],
  healthy: readonly ServiceInstance[],
  localZone: string,
  overprovisioningFactor: number,
  random: () => number,
): readonly ServiceInstance[] {
  const loads = localityLoads(zoneHealth(all, healthy), localZone, overprovisioningFactor);
  let draw = random();
  let chosen: string | undefined;
  for (const [zone, load] of loads) {
    chosen = zone;
    if (draw < load) break;
    draw -= load;
  }
  return chosen === undefined ? [] : healthy.filter((instance) => instance.zone === chosen);
}
