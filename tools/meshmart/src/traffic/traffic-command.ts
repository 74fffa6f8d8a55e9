import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { InvalidTrafficPolicy, TrafficPolicyStore, type StoredFault, type StoredTrafficPolicy } from '@meshmart/mesh/tools';
import { type CommandOutput, consoleOutput, textTable, UsageError, readCommandLine } from '../command-line/command-line';
import type { TrafficTarget } from './traffic-target';

export const trafficUsage = `usage: meshmart traffic <apply|get|delete> …

  apply -f FILE        validate a TrafficPolicy (YAML or JSON) and put it in force for spec.host;
                       every caller applies it within a second. An invalid file changes nothing.
  get [service]        the policies in force (service, version, routes, fault), or one policy as YAML
  delete <service>     remove a service's policy: its callers go back to plain balancing

  The mesh is ETCD_ENDPOINTS and MESH_NAMESPACE, as the services read them; else the local stack's etcd and "meshmart".
  Examples: infra/traffic/*.yaml. Faults that expire by themselves: meshmart fault --help.`;

const SERVICE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

type TrafficRequest = { action: 'apply'; file: string } | { action: 'get'; service: string | undefined } | { action: 'delete'; service: string };

/**
 * `meshmart traffic`: put, read and remove the traffic policies the mesh applies live.
 * @returns the exit code: 0 done, 1 not found, 2 bad command line or invalid policy.
 */
export async function runTrafficCommand(argv: readonly string[], target: TrafficTarget, output: CommandOutput = consoleOutput): Promise<number> {
  // An unreadable policy file is a mistake of the command line too.
  const line = readCommandLine('traffic', trafficUsage, argv, readTrafficRequest, output);
  if ('exitCode' in line) return line.exitCode;
  const { request, document } = line.parsed;
  const store = new TrafficPolicyStore({ endpoints: target.etcd, namespace: target.namespace });
  try {
    return await run(store, request, document, output);
  } finally {
    store.close();
  }
}

function readTrafficRequest(argv: readonly string[]): { request: TrafficRequest; document: unknown } {
  const request = parseTrafficArgs(argv);
  return { request, document: request.action === 'apply' ? readPolicyFile(request.file) : undefined };
}

async function run(store: TrafficPolicyStore, request: TrafficRequest, document: unknown, output: CommandOutput): Promise<number> {
  if (request.action === 'apply') {
    try {
      const applied = await store.apply(document);
      output.info(
        `traffic policy "${applied.policy.metadata.name}" for ${applied.service} applied in namespace ${store.namespace}: version ${applied.version}`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof InvalidTrafficPolicy)) throw error;
      output.error(`meshmart traffic: ${request.file}: ${error.problems.join('; ')} (nothing changed)`);
      return 2;
    }
  }
  if (request.action === 'delete') {
    const deleted = await store.delete(request.service);
    if (!deleted) {
      output.error(`meshmart traffic: ${request.service} has no traffic policy in namespace ${store.namespace}`);
      return 1;
    }
    output.info(`traffic policy of ${request.service} deleted: its callers balance plainly again`);
    return 0;
  }
  if (request.service === undefined) {
    const [policies, faults] = await Promise.all([store.list(), store.listFaults()]);
    if (policies.length === 0 && faults.length === 0) output.info(`no traffic policy in namespace ${store.namespace}`);
    else output.info(table(policies, faults));
    return 0;
  }
  const [stored, fault] = await Promise.all([store.get(request.service), store.getFault(request.service)]);
  if (!stored && !fault) {
    output.error(`meshmart traffic: ${request.service} has no traffic policy in namespace ${store.namespace}`);
    return 1;
  }
  if (stored) output.info(`# ${stored.service}, version ${stored.version}\n${YAML.stringify(stored.document).trimEnd()}`);
  if (fault)
    output.info(`# injected fault until ${fault.expiresAt} (version ${fault.version}), on every route:\n${YAML.stringify({ fault: fault.fault }).trimEnd()}`);
  return 0;
}

export function parseTrafficArgs(argv: readonly string[]): TrafficRequest {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { file: { type: 'string', short: 'f' } } });
  const [action, service, ...extra] = positionals;
  if (action !== 'apply' && action !== 'get' && action !== 'delete')
    throw new UsageError(action === undefined ? 'say what to do: apply, get or delete' : `unknown action "${action}": use apply, get or delete`);
  const unexpected = action === 'apply' ? [service, ...extra].filter((each) => each !== undefined) : extra;
  if (unexpected.length > 0) throw new UsageError(`unexpected argument "${unexpected[0]}"`);
  if (action !== 'apply' && values.file !== undefined) throw new UsageError('-f belongs to apply');
  if (action === 'apply') {
    if (values.file === undefined) throw new UsageError('apply needs a file: meshmart traffic apply -f infra/traffic/<service>.yaml');
    return { action, file: values.file };
  }
  if (service !== undefined && !SERVICE.test(service)) throw new UsageError(`"${service}" is not a service name (lower-case letters, digits and dashes)`);
  if (action === 'delete') {
    if (service === undefined) throw new UsageError('delete needs a service: meshmart traffic delete <service>');
    return { action, service };
  }
  return { action, service };
}

/** The file's one document; YAML, of which JSON is a part. */
function readPolicyFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const documents = YAML.parseAllDocuments(text);
  if (documents.length !== 1) throw new UsageError(`${file}: give one policy per file (found ${documents.length} documents)`);
  const [parsed] = documents;
  const problem = parsed?.errors[0];
  if (problem) throw new UsageError(`${file}: not valid YAML: ${problem.message.split('\n')[0] ?? ''}`);
  return parsed?.toJS();
}

function table(policies: readonly StoredTrafficPolicy[], faults: readonly StoredFault[]): string {
  const services = [...new Set([...policies, ...faults].map((each) => each.service))].sort();
  const header = ['SERVICE', 'VERSION', 'NAME', 'ROUTES', 'SUBSETS', 'FAULT'];
  const rows = [
    header,
    ...services.map((service) => {
      const stored = policies.find((each) => each.service === service);
      const fault = faults.find((each) => each.service === service);
      return [
        service,
        stored?.version ?? '-',
        stored?.policy.metadata.name ?? '-',
        String(stored?.policy.spec.http.length ?? 0),
        stored?.policy.spec.subsets.map((subset) => subset.name).join(',') || '-',
        fault ? `until ${fault.expiresAt}` : '-',
      ];
    }),
  ];
  return textTable(rows);
}
