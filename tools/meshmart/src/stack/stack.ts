import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type StackEndpoints, stackFilePath } from '@meshmart/platform';
import type { ComponentContext, ComponentStatus, StackComponent } from './component';
import { EtcdComponent } from './etcd';
import { KafkaComponent } from './kafka';
import { PostgresComponent } from './postgres';
import { PrometheusComponent } from './prometheus';
import { PrometheusSdComponent } from './prometheus-sd';
import type { StackSettings } from './settings';

/**
 * The local stack: Postgres, Kafka, etcd and Prometheus as local processes, and the bridge that
 * keeps Prometheus's targets equal to the etcd registry.
 */
export class LocalStack {
  private readonly postgres: PostgresComponent;
  private readonly kafka: KafkaComponent;
  private readonly etcd: EtcdComponent;
  private readonly prometheus: PrometheusComponent;
  private readonly prometheusSd: PrometheusSdComponent;
  private readonly components: readonly StackComponent[];

  constructor(
    private readonly settings: StackSettings,
    progress: (line: string) => void,
  ) {
    const ctx: ComponentContext = { settings, progress };
    this.postgres = new PostgresComponent(ctx);
    this.kafka = new KafkaComponent(ctx);
    this.etcd = new EtcdComponent(ctx);
    this.prometheus = new PrometheusComponent(ctx);
    this.prometheusSd = new PrometheusSdComponent(ctx, this.etcd.endpoint, this.prometheus.meshCaDir);
    this.components = [this.postgres, this.kafka, this.etcd, this.prometheus, this.prometheusSd];
  }

  /**
   * Starts what is not running, in parallel, and waits until each is truly ready. Running
   * components are left alone, so a second `up` changes nothing. Writes stack.json last.
   */
  async up(): Promise<{ statuses: ComponentStatus[]; endpoints: StackEndpoints }> {
    mkdirSync(this.settings.stateDir, { recursive: true });
    const results = await Promise.allSettled(this.components.map((component) => component.up()));
    const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [`${this.components[i]?.name}: ${message(result.reason)}`] : []));
    if (failures.length > 0) throw new Error(`the local stack did not come up:\n  ${failures.join('\n  ')}`);
    const statuses = results.map((result) => (result as PromiseFulfilledResult<ComponentStatus>).value);
    const endpoints = this.endpoints(statuses);
    writeFileSync(stackFilePath(this.settings.stateDir), `${JSON.stringify(endpoints, null, 2)}\n`);
    return { statuses, endpoints };
  }

  /** Stops every process this stack started; an external Postgres is left running. */
  async down(): Promise<void> {
    rmSync(stackFilePath(this.settings.stateDir), { force: true });
    const results = await Promise.allSettled(this.components.map((component) => component.down()));
    const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [`${this.components[i]?.name}: ${message(result.reason)}`] : []));
    if (failures.length > 0) throw new Error(`could not stop everything:\n  ${failures.join('\n  ')}`);
  }

  status(): Promise<ComponentStatus[]> {
    return Promise.all(this.components.map((component) => component.status()));
  }

  private endpoints(statuses: readonly ComponentStatus[]): StackEndpoints {
    const postgres = statuses[0];
    if (!postgres) throw new Error('no Postgres status');
    return {
      postgres: { url: postgres.endpoint, mode: postgres.state === 'external' ? 'external' : 'embedded' },
      kafka: { brokers: this.kafka.brokers },
      etcd: { endpoints: [this.etcd.endpoint] },
      prometheus: { url: this.prometheus.endpoint, fileSdDir: this.prometheus.fileSdDir },
      mesh: { caDir: this.prometheus.meshCaDir },
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
