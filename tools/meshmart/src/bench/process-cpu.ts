import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has used, in ms, from /proc (Linux; `null` elsewhere or once it is gone).
 * utime and stime are fields 14 and 15, in USER_HZ ticks, which Linux fixes at 100 per second
 * for user space.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** Every process whose command name is `comm` (e.g. all of a Postgres server's backends). */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return pids;
}

/** A named group of processes whose CPU is measured together (an app instance, "postgres", "kafka"). */
export interface ProcessGroup {
  name: string;
  /** The pids now: read at each sample, so a group can gain processes (a Postgres backend per new connection). */
  pids(): readonly number[];
}

/**
 * CPU used by each group between two samples, in ms. A process that appeared in between counts
 * from zero (its whole life is inside the window); one that ended in between is lost, which is
 * why the groups measured here are long-lived (servers, pooled connections).
 */
export class CpuSampler {
  constructor(private readonly groups: readonly ProcessGroup[]) {}

  sample(): Map<string, Map<number, number>> {
    return new Map(
      this.groups.map((group) => [
        group.name,
        new Map(
          group.pids().flatMap((pid) => {
            const ms = processCpuMs(pid);
            return ms === null ? [] : [[pid, ms] as const];
          }),
        ),
      ]),
    );
  }

  static delta(before: Map<string, Map<number, number>>, after: Map<string, Map<number, number>>): Record<string, number> {
    return Object.fromEntries([...after].map(([name, pids]) => [name, [...pids].reduce((sum, [pid, ms]) => sum + ms - (before.get(name)?.get(pid) ?? 0), 0)]));
  }
}
