import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka, ensureTopics } from '@meshmart/messaging';
import { logLevel } from 'kafkajs';
import type { ComponentContext } from './component';
import { DaemonComponent } from './daemon-component';
import { spawnDaemon } from './processes';
import { requireJava, requireTool } from './required-tool';

const READY_TOPIC = 'meshmart.stack.ready';

/**
 * A real Apache Kafka broker, single-node KRaft (broker and controller in one JVM), from the
 * Maven Central jars of infra/kafka/pom.xml. Storage is formatted once per state folder.
 */
export class KafkaComponent extends DaemonComponent {
  readonly name = 'kafka';
  readonly endpoint: string;
  protected override readonly readyTimeoutMs = 90_000;
  protected override readonly stopGraceMs = 30_000;
  private readonly infraDir: string;

  constructor(ctx: ComponentContext) {
    super(ctx, 'kafka');
    this.infraDir = join(ctx.settings.workspaceRoot, 'infra', 'kafka');
    this.endpoint = this.brokers.join(',');
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.ctx.settings.ports.kafka}`];
  }

  protected checkInstalled(): void {
    requireJava();
  }

  protected ports(): [number, string][] {
    return [
      [this.ctx.settings.ports.kafka, 'MESHMART_KAFKA_PORT'],
      [this.ctx.settings.ports.kafkaController, 'MESHMART_KAFKA_CONTROLLER_PORT'],
    ];
  }

  protected async start(): Promise<number> {
    this.fetchJars();
    mkdirSync(this.dir, { recursive: true });
    const properties = this.writeServerProperties();
    this.formatStorageOnce(properties);
    return spawnDaemon(this.daemon, 'java', [...this.jvmArgs(), 'kafka.Kafka', properties]);
  }

  /** Fetches the broker's jars once; again only when the pom changes. */
  private fetchJars(): void {
    const pom = join(this.infraDir, 'pom.xml');
    const libs = join(this.infraDir, 'libs');
    const marker = join(libs, '.pom.sha256');
    const digest = createHash('sha256').update(readFileSync(pom)).digest('hex');
    if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) return;
    requireTool('mvn', ['--version'], 'apt-get install maven');
    this.ctx.progress('fetching the Kafka broker jars from Maven Central (once)…');
    // Start from an empty folder: jars of an older version left beside new ones break the classpath.
    rmSync(libs, { recursive: true, force: true });
    const result = spawnSync(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime', '-Dmdep.overWriteReleases=true'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (result.status !== 0) throw new Error(`mvn could not fetch the Kafka jars:\n${result.stdout}${result.stderr}`);
    writeFileSync(marker, digest);
  }

  private writeServerProperties(): string {
    const { kafka, kafkaController } = this.ctx.settings.ports;
    const file = join(this.dir, 'server.properties');
    const lines = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
      `listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${kafka}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(this.dir, 'data')}`,
      'num.partitions=3',
      // Topics are created on purpose (by the services' messaging set-up), never by a typo.
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  private formatStorageOnce(properties: string): void {
    if (existsSync(join(this.dir, 'data', 'meta.properties'))) return;
    const clusterId = randomBytes(16).toString('base64url');
    // `--cluster-id=<id>`, one argument: a base64url id may start with '-', which the tool's
    // parser would take for an option if the id came as an argument of its own.
    const result = spawnSync(
      'java',
      [...this.jvmArgs(), 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '--config', properties, '--ignore-formatted'],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`formatting Kafka storage failed:\n${result.stdout}${result.stderr}`);
  }

  private jvmArgs(): string[] {
    return [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${join(this.infraDir, 'log4j2.properties')}`,
      '-cp',
      join(this.infraDir, 'libs', '*'),
    ];
  }

  /** Ready means a topic exists and a message makes the whole trip, producer to consumer. */
  protected async probe(): Promise<void> {
    const kafka = createKafka({ clientId: 'meshmart-stack', brokers: this.brokers, retries: 1, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `meshmart-stack-${randomUUID()}` });
    try {
      await ensureTopics(kafka, [{ topic: READY_TOPIC }], 10_000);
      const marker = randomUUID();
      await producer.connect();
      await producer.send({ topic: READY_TOPIC, messages: [{ value: marker }] });
      await consumer.connect();
      await consumer.subscribe({ topic: READY_TOPIC, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('produced a message but did not consume it within 20s')), 20_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.value?.toString() === marker) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    }
  }
}
