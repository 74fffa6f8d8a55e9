import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@meshmart/platform';

export interface ConsoleProcess {
  url: string;
  otlpEndpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface ConsoleProcessOptions {
  namespace: string;
  prometheusUrl: string;
  etcdEndpoints: readonly string[];
  /** Its state folder: the trace store lives in `<stateDir>/console/traces`. */
  stateDir: string;
}

/** Starts the real `meshmart console` CLI on a free port and waits for the line that names its URL. */
export async function startConsoleProcess(options: ConsoleProcessOptions): Promise<ConsoleProcess> {
  const root = findWorkspaceRoot();
  const child = spawn(
    process.execPath,
    [
      join(root, 'tools', 'meshmart', 'bin', 'meshmart.cjs'),
      'console',
      '--port',
      '0',
      '--namespace',
      options.namespace,
      '--prometheus',
      options.prometheusUrl,
      '--etcd',
      options.etcdEndpoints.join(','),
    ],
    {
      cwd: root,
      env: { ...process.env, MESHMART_STATE_DIR: options.stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshmart console did not start within 30s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /console: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`meshmart console exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    otlpEndpoint: `${url}/v1/traces`,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
