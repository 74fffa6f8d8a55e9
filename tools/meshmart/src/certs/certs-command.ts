import { X509Certificate, createPrivateKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import { workloads } from '@meshmart/contracts';
import {
  createMeshCa,
  isDnsLabel,
  issueWorkloadCertificate,
  type MeshCa,
  meshCaFiles,
  readMeshCa,
  writeMeshCa,
  writeWorkloadCertificate,
} from '@meshmart/mesh/tools';
import { type CommandOutput, consoleOutput, UsageError, usageMistake } from '../command-line/command-line';

export const certsUsage = `usage: meshmart certs --out <dir> [--services a,b] [--namespace meshmart] [--ttl-hours 24] [--ca-days 365]

  --out        folder for ca.crt, ca.key and <service>/tls.{crt,key} (required)
  --services   workloads to issue certificates for (default: every MeshMart workload)
  --namespace  namespace part of the SPIFFE IDs (default: meshmart)
  --ttl-hours  lifetime of each workload certificate in hours (default: 24)
  --ca-days    lifetime of a new CA in days (default: 365); an existing CA is kept`;

interface CertsSettings {
  help: boolean;
  out: string;
  services: string[];
  namespace: string;
  ttlHours: number;
  caDays: number;
}

/**
 * `meshmart certs`: makes the dev mesh CA (once) and a fresh short-lived certificate per
 * workload, in the layout `WorkloadIdentity` reads. Re-running it rotates the workload
 * certificates; running services pick them up without a restart.
 *
 * @returns the exit code: 0 done, 1 failed (e.g. unusable existing CA), 2 bad command line.
 */
export async function runCertsCommand(argv: string[], output: CommandOutput = consoleOutput): Promise<number> {
  let settings: CertsSettings;
  try {
    settings = parseCertsArgs(argv);
  } catch (error) {
    return usageMistake('certs', error, output);
  }
  if (settings.help) {
    output.info(certsUsage);
    return 0;
  }
  try {
    const ca = await loadOrCreateCa(settings, output);
    for (const service of settings.services) {
      const certificate = await issueWorkloadCertificate(ca, { namespace: settings.namespace, service, ttlHours: settings.ttlHours });
      const [keyFile, certFile] = await writeWorkloadCertificate(settings.out, service, certificate);
      output.info(`wrote ${keyFile}`);
      output.info(`wrote ${certFile}  ${certificate.spiffeId}  valid until ${certificate.notAfter.toISOString()}`);
    }
    return 0;
  } catch (error) {
    output.error(`meshmart certs: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function parseCertsArgs(argv: string[]): CertsSettings {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      out: { type: 'string' },
      services: { type: 'string' },
      namespace: { type: 'string', default: 'meshmart' },
      'ttl-hours': { type: 'string', default: '24' },
      'ca-days': { type: 'string', default: '365' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.help) return { help: true, out: '', services: [], namespace: values.namespace, ttlHours: 0, caDays: 0 };
  if (values.out === undefined || values.out.trim() === '') throw new UsageError('--out <dir> is required');
  const services = values.services === undefined ? [...workloads] : [...new Set(values.services.split(',').map((name) => name.trim()))];
  const badService = services.find((name) => !isDnsLabel(name));
  if (badService !== undefined) throw new UsageError(`invalid service name "${badService}": use lowercase letters, digits and inner dashes (at most 63)`);
  if (!isDnsLabel(values.namespace)) throw new UsageError(`invalid namespace "${values.namespace}": use lowercase letters, digits and inner dashes`);
  return {
    help: false,
    out: values.out,
    services,
    namespace: values.namespace,
    ttlHours: positiveNumber('--ttl-hours', values['ttl-hours']),
    caDays: positiveNumber('--ca-days', values['ca-days']),
  };
}

function positiveNumber(flag: string, text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return value;
}

async function loadOrCreateCa(settings: CertsSettings, output: CommandOutput): Promise<MeshCa> {
  const files = meshCaFiles(settings.out);
  const existing = await readMeshCa(settings.out).catch((cause: unknown) => {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`cannot read the existing CA (${files.certFile}, ${files.keyFile}): ${reason}; restore it, or delete both to make a new CA`, { cause });
  });
  if (existing === undefined) {
    const ca = await createMeshCa({ validityDays: settings.caDays });
    for (const file of await writeMeshCa(settings.out, ca)) output.info(`wrote ${file}`);
    return ca;
  }
  const cert = new X509Certificate(existing.certPem);
  if (!cert.checkPrivateKey(createPrivateKey(existing.keyPem))) throw new Error(`${files.keyFile} does not belong to ${files.certFile}`);
  if (cert.validToDate.getTime() <= Date.now())
    throw new Error(`the CA in ${files.certFile} expired on ${cert.validToDate.toISOString()}; delete ca.crt and ca.key to make a new one`);
  output.info(`kept  ${files.certFile} (existing CA, valid until ${cert.validToDate.toISOString()})`);
  return existing;
}
