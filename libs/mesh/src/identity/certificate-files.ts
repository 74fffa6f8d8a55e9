import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type MeshCa, type WorkloadCertificate } from './certificate-authority';
import { InvalidWorkloadIdentity } from './identity-errors';
import { type IdentityFiles, type IdentityMaterial, type ReadIdentityOptions, readIdentityMaterial } from './identity-material';
import { isDnsLabel } from './spiffe';

/** Where the mesh CA lives inside a certificates folder. */
export interface MeshCaFiles {
  /** `<dir>/ca.crt` */
  certFile: string;
  /** `<dir>/ca.key`, mode 0600 */
  keyFile: string;
}

const privateFileMode = 0o600;
const publicFileMode = 0o644;

/**
 * The paths of the mesh CA in a certificates folder. One layout for the CLI, the services and
 * the tests, so none of them guesses file names.
 */
export function meshCaFiles(dir: string): MeshCaFiles {
  return { certFile: join(dir, 'ca.crt'), keyFile: join(dir, 'ca.key') };
}

/**
 * The paths of a workload's identity: `<dir>/ca.crt`, `<dir>/<service>/tls.crt` and
 * `<dir>/<service>/tls.key`, ready for `WorkloadIdentity.load`.
 *
 * @throws InvalidWorkloadIdentity if `service` is not a DNS label (it becomes a folder name).
 */
export function workloadFiles(dir: string, service: string): IdentityFiles {
  if (!isDnsLabel(service)) throw new InvalidWorkloadIdentity(`invalid service name "${service}": use a DNS label (a-z, 0-9, -)`);
  return { caFile: meshCaFiles(dir).certFile, certFile: join(dir, service, 'tls.crt'), keyFile: join(dir, service, 'tls.key') };
}

/**
 * Writes the CA into `dir` (key first, then certificate, each atomically).
 *
 * @returns the paths written, in order.
 */
export async function writeMeshCa(dir: string, ca: MeshCa): Promise<string[]> {
  const files = meshCaFiles(dir);
  await writeFileAtomically(files.keyFile, ca.keyPem, privateFileMode);
  await writeFileAtomically(files.certFile, ca.certPem, publicFileMode);
  return [files.keyFile, files.certFile];
}

/** Reads the CA of `dir`, or `undefined` when `ca.crt` does not exist yet. */
export async function readMeshCa(dir: string): Promise<MeshCa | undefined> {
  const files = meshCaFiles(dir);
  const certPem = await readFile(files.certFile, 'utf8').catch((error: unknown) => {
    if (isMissingFile(error)) return undefined;
    throw error;
  });
  if (certPem === undefined) return undefined;
  return { certPem, keyPem: await readFile(files.keyFile, 'utf8') };
}

/**
 * Writes a workload's certificate and key under `<dir>/<service>/`. Each file is replaced
 * atomically (temporary file, then rename), key first and certificate last, so a reader sees
 * either the old pair, the new pair, or a new key with the old certificate, which it detects as
 * a mismatch and reads again; never a half-written file.
 *
 * @returns the paths written, in order.
 */
export async function writeWorkloadCertificate(dir: string, service: string, certificate: Pick<WorkloadCertificate, 'certPem' | 'keyPem'>): Promise<string[]> {
  const files = workloadFiles(dir, service);
  await writeFileAtomically(files.keyFile, certificate.keyPem, privateFileMode);
  await writeFileAtomically(files.certFile, certificate.certPem, publicFileMode);
  return [files.keyFile, files.certFile];
}

/**
 * Reads a workload's identity back and checks it (key matches certificate, CA signed it),
 * retrying while a rotation is half-way; default 20 attempts 25 ms apart.
 *
 * @throws IdentityMaterialUnusable if it is still inconsistent after every attempt.
 */
export async function readWorkloadCertificate(dir: string, service: string, options: ReadIdentityOptions = {}): Promise<IdentityMaterial> {
  return readIdentityMaterial(workloadFiles(dir, service), { attempts: 20, retryDelayMs: 25, ...options });
}

async function writeFileAtomically(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode; a key must be exactly 0600, a certificate readable.
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
