import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '@meshmart/platform';
import type { ComponentStatus } from './stack/component';
import { loadStackSettings, redactUrl } from './stack/settings';
import { LocalStack } from './stack/stack';
import { runCheckoutBench } from './bench/checkout/checkout-bench';
import { runMeshBench } from './bench/mesh-bench';
import { runCertsCommand } from './certs/certs-command';
import { runConsoleCommand } from './console/console-command';
import { stopDemoConsole } from './console/demo-console';
import { stopDemoLoad } from './demo/demo-load';
import { runDemo } from './demo/demo';
import { runLoadCommand } from './load/load-command';
import { runDlqCommand } from './dlq/dlq-command';
import { runKafkaCommand } from './kafka/kafka-command';
import { runFaultCommand } from './traffic/fault-command';
import { runTrafficCommand } from './traffic/traffic-command';
import { trafficTarget } from './traffic/traffic-target';
import { alive, readDemoServices, stopDetachedServices } from './demo/demo-state';
import { demoServiceLines } from './demo/demo-status';
import { runPrometheusSdCommand } from './prometheus-sd/prometheus-sd-command';
import { runTests } from './test/run-tests';

const usage = `usage: meshmart <command>

  stack up        start Postgres, Kafka, etcd and Prometheus (idempotent)
  stack down      stop a detached demo's services and everything the stack started
  stack status    show each component, and a running demo's instances with their restarts (exit 3 if a component is stopped)
  test            lint, typecheck, unit, integration and e2e tests, with a closing summary
  demo            the stack, every service, a scripted shopper and the console, until Ctrl-C [--detach] [--no-console] [--load R]
                  [--canary: one more payment-service at version 0.2.0 beside the 0.1.0 ones, for the README's canary walk-through]
  console         a local web console of the mesh: graph, instances, traffic, traces, alerts (meshmart console --help)
  certs           mesh CA and workload certificates (meshmart certs --help)
  prometheus-sd   keep a Prometheus file-SD file equal to the etcd registry (run by \`stack up\`)
  load            drive the public API with simulated shoppers, live progress and a summary (meshmart load --help)
  dlq             list, show and replay messages parked on <topic>.dlq (meshmart dlq --help)
  kafka           drop <prefix>: delete the topics and consumer groups a platform made under its KAFKA_PREFIX
  traffic         apply -f FILE | get [service] | delete <service>: traffic policies, live (meshmart traffic --help)
  fault           <service> --abort 503 --percent 20 --for 60s | --delay 2s --percent 10: a fault that expires by itself
  bench mesh      CPU per call and latency of one mesh hop, against bare mTLS and Istio [--duration S] [--concurrency N] [--rounds N] [--rate R] [--out DIR]
  bench checkout  the whole platform's checkouts: a ladder of shoppers, the knee, CPU per checkout per process,
                  against pgbench on the same server [--quick: a smoke run under a minute] [--out DIR]

Ports, the state folder and Postgres are set by environment variables: see README.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: {
      detach: { type: 'boolean' },
      canary: { type: 'boolean' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      'no-console': { type: 'boolean' },
      load: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const [command, sub] = positionals;
  const root = findWorkspaceRoot(__dirname);
  const stack = () => new LocalStack(loadStackSettings(root), (line) => console.log(`  … ${line}`));

  if (command === 'stack' && sub === 'up') {
    const started = Date.now();
    const { statuses } = await stack().up();
    printStatuses(statuses);
    const fresh = statuses.filter((s) => s.alreadyRunning === false && s.state === 'running');
    console.log(fresh.length === 0 ? 'stack: already up, nothing started' : `stack: up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return 0;
  }
  if (command === 'stack' && sub === 'down') {
    await stopDetachedServices(loadStackSettings(root).stateDir, (line) => console.log(`  … ${line}`));
    await stopDemoConsole(loadStackSettings(root).stateDir);
    await stopDemoLoad(loadStackSettings(root).stateDir);
    await stack().down();
    console.log('stack: down');
    return 0;
  }
  if (command === 'stack' && sub === 'status') {
    const statuses = await stack().status();
    printStatuses(statuses);
    printDemoServices(loadStackSettings(root).stateDir);
    return statuses.some((s) => s.state === 'stopped') ? 3 : 0;
  }
  if (command === 'test') return runTests(root, stack());
  if (command === 'bench' && sub === 'checkout') {
    const out = typeof values['out'] === 'string' ? resolve(values['out']) : undefined;
    await runCheckoutBench({
      root,
      stack: stack(),
      quick: values['quick'] === true,
      ...(out ? { outDir: out } : {}),
      log: (line) => console.log(`bench checkout: ${line}`),
    });
    return 0;
  }
  if (command === 'bench') {
    if (sub !== 'mesh') throw new Error(`unknown benchmark "${sub ?? ''}": there are \`meshmart bench mesh\` and \`meshmart bench checkout\``);
    const { endpoints } = await stack().up();
    const settings = {
      durationMs: positiveNumber(values['duration'], 5, '--duration') * 1000,
      concurrency: positiveNumber(values['concurrency'], 8, '--concurrency'),
      rounds: positiveNumber(values['rounds'], 3, '--rounds'),
      ratePerSecond: positiveNumber(values['rate'], 1000, '--rate'),
    };
    console.log(`bench mesh: ${settings.rounds} rounds of ${settings.durationMs / 1000}s at concurrency ${settings.concurrency}`);
    const out = typeof values['out'] === 'string' ? resolve(values['out']) : undefined;
    await runMeshBench({ root, stack: endpoints, ...settings, ...(out ? { outDir: out } : {}) });
    return 0;
  }
  if (command === 'demo') {
    const loadRate = values['load'] === undefined ? undefined : positiveNumber(values['load'], 1, '--load');
    return runDemo(stack(), loadStackSettings(root).stateDir, {
      detach: values['detach'] === true,
      console: values['no-console'] !== true,
      canary: values['canary'] === true,
      ...(loadRate ? { loadRate } : {}),
    });
  }
  if (command === 'load') return runLoadCommand(argv.slice(1), loadStackSettings(root).stateDir);
  if (command === 'console') return runConsoleCommand(argv.slice(1), loadStackSettings(root).stateDir);
  if (command === 'certs') return runCertsCommand(argv.slice(1));
  if (command === 'prometheus-sd') return runPrometheusSdCommand(argv.slice(1));
  if (command === 'traffic') return runTrafficCommand(argv.slice(1), trafficTarget(process.env, loadStackSettings(root).ports.etcd));
  if (command === 'fault') return runFaultCommand(argv.slice(1), trafficTarget(process.env, loadStackSettings(root).ports.etcd));
  if (command === 'dlq') return runDlqCommand(argv.slice(1), kafkaBrokers(loadStackSettings(root).ports.kafka));
  if (command === 'kafka') return runKafkaCommand(argv.slice(1), kafkaBrokers(loadStackSettings(root).ports.kafka));
  console.error(usage);
  return command === undefined || command === 'help' ? 0 : 2;
}

/** KAFKA_BROKERS (as the services read it) when set, else the local stack's broker. */
function kafkaBrokers(stackKafkaPort: number): string[] {
  const configured = process.env['KAFKA_BROKERS']
    ?.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return configured && configured.length > 0 ? configured : [`127.0.0.1:${stackKafkaPort}`];
}

function positiveNumber(value: string | boolean | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(number) || number <= 0) throw new Error(`${flag} takes a positive number, not "${String(value)}"`);
  return number;
}

/** A running demo's instances: slot, state, pid, restarts and how the last process ended. */
function printDemoServices(stateDir: string): void {
  const state = readDemoServices(stateDir);
  if (!state) return;
  const supervised = state.supervisorPid !== undefined && alive(state.supervisorPid);
  console.log(supervised ? `demo services (supervised by pid ${state.supervisorPid}):` : 'demo services (not supervised):');
  for (const line of demoServiceLines(state.services)) console.log(`  ${line}`);
}

function printStatuses(statuses: readonly ComponentStatus[]): void {
  const nameWidth = Math.max(...statuses.map((s) => s.name.length));
  const endpointWidth = Math.max(...statuses.map((s) => redactUrl(s.endpoint).length));
  for (const s of statuses) {
    const detail = s.state === 'external' ? 'external server' : s.pid ? `pid ${s.pid}` : '';
    console.log(`  ${s.name.padEnd(nameWidth)}  ${s.state.padEnd(8)} ${redactUrl(s.endpoint).padEnd(endpointWidth)}  ${detail}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`meshmart: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
