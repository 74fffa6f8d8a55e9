import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@meshmart/platform';
import { WORKLOAD_REGISTRY_FILE } from '../platform/workload-registry-file';
import { checkDeployment, type CheckReport } from './check-deployment';

/** Test support for check:deploy's fault tests: the workspace's deployment files, copied with one edit. */
export const workspaceRoot = findWorkspaceRoot(__dirname);
/** As on CI: a missing tool is a failure, never a skip. */
export const ciEnv = { ...process.env, CI: 'true' };
const copies: string[] = [];

/** A copy of the deployment files (compose, infra, k8s) with one edit, checked against the real apps. */
export async function checkWithFault(file: string, edit: (text: string) => string): Promise<CheckReport> {
  return checkWithFaults([[file, edit]]);
}

/** As {@link checkWithFault}, with an edit in each of several files: faults that one check run can see together. */
export async function checkWithFaults(edits: readonly [file: string, edit: (text: string) => string][]): Promise<CheckReport> {
  const root = mkdtempSync(join(tmpdir(), 'meshmart-deploy-fault-'));
  copies.push(root);
  for (const path of ['docker-compose.yml', 'infra', 'k8s', 'package.json', WORKLOAD_REGISTRY_FILE])
    cpSync(join(workspaceRoot, path), join(root, path), { recursive: true });
  for (const [file, edit] of edits) {
    const original = readFileSync(join(root, file), 'utf8');
    const changed = edit(original);
    if (changed === original) throw new Error(`the fault must change ${file}`);
    writeFileSync(join(root, file), changed);
  }
  return checkDeployment({ root, workspaceRoot, env: ciEnv });
}

/** Deletes the copies; call it after each test. */
export function removeFaultCopies(): void {
  for (const root of copies.splice(0)) rmSync(root, { recursive: true, force: true });
}
