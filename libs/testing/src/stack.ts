import { connect } from 'node:net';
import { type ContainerStack, dockerAvailable, startContainerStack } from './containers';
import { defaultStateDir, readStackFile, type StackEndpoints, stackEndpointsFromEnv } from '@meshmart/platform';

/** Thrown when no real component can be had; tests fail with it, they never skip. */
export class StackUnavailable extends Error {
  override readonly name = 'StackUnavailable';
}

let containers: Promise<ContainerStack> | undefined;

/**
 * The one way every integration and end-to-end test gets Postgres, Kafka, etcd and
 * Prometheus: the running local stack (from the environment, else from its state file), else
 * containers when a Docker engine exists, else an error that names the command to run.
 */
export async function useStack(env: NodeJS.ProcessEnv = process.env): Promise<StackEndpoints> {
  const fromEnv = stackEndpointsFromEnv(env);
  if (fromEnv) return fromEnv;

  const stateDir = defaultStateDir(env);
  const fromFile = readStackFile(stateDir);
  if (fromFile && (await answers(fromFile.kafka.brokers[0]))) return fromFile;

  if (await dockerAvailable()) {
    containers ??= startContainerStack();
    return (await containers).endpoints;
  }
  throw new StackUnavailable(
    `no MeshMart stack is running (looked at the environment and ${stateDir}) and no Docker engine answers: ` + 'start the local stack with `npm run stack:up`',
  );
}

/** Stops containers started by useStack, if any; the local stack is left as it was. */
export async function releaseStack(): Promise<void> {
  const started = containers;
  containers = undefined;
  if (started) await (await started).stop();
}

function answers(hostPort: string | undefined): Promise<boolean> {
  if (!hostPort) return Promise.resolve(false);
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
