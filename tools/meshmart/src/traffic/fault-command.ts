import { parseArgs } from 'node:util';
import { durationSchema, TrafficPolicyStore } from '@meshmart/mesh/tools';
import { type CommandOutput, consoleOutput, UsageError, readCommandLine } from '../command-line/command-line';
import type { TrafficTarget } from './traffic-target';

export const faultUsage = `usage: meshmart fault <service> (--abort STATUS | --delay DURATION) --percent P [--for DURATION]
       meshmart fault <service> --clear

  --abort 503        answer that status instead of calling the service (marked FI in the metrics)
  --delay 2s         wait that long before calling it (marked DI); both may be given
  --percent 20       share of calls struck, 0 < P ≤ 100 (each fault drawn apart)
  --for 60s          how long it lasts (default 60s); it expires by itself, no clean-up needed
  --clear            end the service's fault now

  Applied on every route of the service's traffic policy (or on all its calls when it has none) by
  every caller within a second. The mesh is ETCD_ENDPOINTS and MESH_NAMESPACE, else the local stack's.`;

const SERVICE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

type FaultRequest = { service: string; clear: true } | { service: string; clear: false; fault: Record<string, unknown>; forSeconds: number };

/**
 * `meshmart fault`: a fault on one destination for a while, under an etcd lease so it ends
 * by itself even if nobody comes back to clear it.
 * @returns the exit code: 0 done, 1 nothing to clear, 2 bad command line.
 */
export async function runFaultCommand(argv: readonly string[], target: TrafficTarget, output: CommandOutput = consoleOutput): Promise<number> {
  const line = readCommandLine('fault', faultUsage, argv, parseFaultArgs, output);
  if ('exitCode' in line) return line.exitCode;
  const request = line.parsed;
  const store = new TrafficPolicyStore({ endpoints: target.etcd, namespace: target.namespace });
  try {
    if (request.clear) {
      const cleared = await store.clearFault(request.service);
      if (!cleared) output.error(`meshmart fault: ${request.service} has no fault in namespace ${store.namespace}`);
      else output.info(`fault on ${request.service} cleared`);
      return cleared ? 0 : 1;
    }
    const injected = await store.injectFault(request.service, request.fault, request.forSeconds);
    output.info(`fault on ${request.service} (${describe(request.fault)}) until ${injected.expiresAt}, version ${injected.version}`);
    return 0;
  } finally {
    store.close();
  }
}

export function parseFaultArgs(argv: readonly string[]): FaultRequest {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { abort: { type: 'string' }, delay: { type: 'string' }, percent: { type: 'string' }, for: { type: 'string' }, clear: { type: 'boolean' } },
  });
  const [service, ...extra] = positionals;
  if (service === undefined) throw new UsageError('name the service: meshmart fault <service> --abort 503 --percent 20');
  if (!SERVICE.test(service)) throw new UsageError(`"${service}" is not a service name (lower-case letters, digits and dashes)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.clear) {
    const other = (['abort', 'delay', 'percent', 'for'] as const).find((flag) => values[flag] !== undefined);
    if (other) throw new UsageError(`--clear takes no --${other}`);
    return { service, clear: true };
  }
  if (values.abort === undefined && values.delay === undefined) throw new UsageError('give --abort STATUS, --delay DURATION or both');
  if (values.percent === undefined) throw new UsageError('--percent is required: the share of calls struck, e.g. --percent 20');
  const percent = Number(values.percent);
  if (!/^\d+(\.\d+)?$/.test(values.percent) || !(percent > 0 && percent <= 100))
    throw new UsageError(`--percent takes a number above 0 and at most 100, not "${values.percent}"`);
  const fault: Record<string, unknown> = {};
  if (values.abort !== undefined) {
    const status = Number(values.abort);
    if (!/^\d{3}$/.test(values.abort) || status < 200 || status > 599)
      throw new UsageError(`--abort takes an HTTP status from 200 to 599, not "${values.abort}"`);
    fault['abort'] = { httpStatus: status, percentage: { value: percent } };
  }
  if (values.delay !== undefined) {
    if (!durationSchema.safeParse(values.delay).success) throw new UsageError(`--delay takes a duration such as 250ms, 2s or 1m, not "${values.delay}"`);
    fault['delay'] = { fixedDelay: values.delay, percentage: { value: percent } };
  }
  const lasting = durationSchema.safeParse(values.for ?? '60s');
  if (!lasting.success || lasting.data < 1_000) throw new UsageError(`--for takes a duration of at least 1s, such as 60s or 5m, not "${values.for ?? ''}"`);
  return { service, clear: false, fault, forSeconds: Math.ceil(lasting.data / 1_000) };
}

function describe(fault: Record<string, unknown>): string {
  const abort = fault['abort'] as { httpStatus: number; percentage: { value: number } } | undefined;
  const delay = fault['delay'] as { fixedDelay: string; percentage: { value: number } } | undefined;
  return [abort && `abort ${abort.httpStatus} on ${abort.percentage.value} %`, delay && `delay ${delay.fixedDelay} on ${delay.percentage.value} %`]
    .filter(Boolean)
    .join(', ');
}
