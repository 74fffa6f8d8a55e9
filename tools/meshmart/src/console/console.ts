import { join } from 'node:path';
import { PrometheusClient } from './prometheus-client';
import { RegistryReader } from './registry-reader';
import { type RunningConsole, startConsoleServer } from './console-server';
import { TraceStore } from './trace-store';

/** The console's port unless `--port` or MESHMART_CONSOLE_PORT moves it. */
export const DEFAULT_CONSOLE_PORT = 19400;

export interface ConsoleOptions {
  prometheusUrl: string;
  etcdEndpoints: readonly string[];
  /** Mesh namespace shown (the registry prefix and the `namespace` label); default `meshmart`. */
  namespace?: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the trace store keeps its file (`<state>/console/traces`). */
  tracesDir: string;
  maxTraces?: number;
  maxTraceBytes?: number;
  /** The environment the services run with, so the settings shown are those in force. */
  serviceEnv?: Readonly<Record<string, string>>;
}

export type { RunningConsole } from './console-server';

/**
 * Starts the console in this process: its trace store (loaded from disk), its readers of
 * Prometheus and etcd, and its listener on 127.0.0.1. The trace receiver lives in the console,
 * not in the stack, because the console is the only reader of what it keeps: traces are there
 * exactly when there is a page to show them.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const traces = TraceStore.open({
    dir: options.tracesDir,
    ...(options.maxTraces ? { maxTraces: options.maxTraces } : {}),
    ...(options.maxTraceBytes ? { maxBytes: options.maxTraceBytes } : {}),
  });
  const registry = new RegistryReader(options.etcdEndpoints);
  const prometheus = new PrometheusClient(options.prometheusUrl);
  try {
    const running = await startConsoleServer(
      { namespace: options.namespace ?? 'meshmart', prometheus, registry, traces, serviceEnv: options.serviceEnv ?? {} },
      options.port,
    );
    return {
      ...running,
      close: async () => {
        await running.close();
        registry.close();
      },
    };
  } catch (error) {
    registry.close();
    throw error;
  }
}

export const consoleTracesDir = (stateDir: string) => join(stateDir, 'console', 'traces');
