import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { findWorkspaceRoot, type StackEndpoints, stackImages } from '@meshmart/platform';

export interface ContainerStack {
  endpoints: StackEndpoints;
  stop(): Promise<void>;
}

/**
 * The same components as the local stack, as containers, for machines that have a Docker
 * engine and no local stack. Kafka advertises a host port fixed before start, because a
 * broker must tell clients an address they can reach.
 */
export async function startContainerStack(): Promise<ContainerStack> {
  const kafkaPort = await freePort();
  const prometheusPort = await freePort();
  const fileSdDir = mkdtempSync(join(tmpdir(), 'meshmart-file-sd-'));
  const [postgres, kafka, etcd, prometheus] = await Promise.all([
    new GenericContainer(stackImages.postgres)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer(stackImages.kafka)
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${kafkaPort},CONTROLLER://:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withExposedPorts({ container: kafkaPort, host: kafkaPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer(stackImages.etcd)
      .withCommand(['etcd', '--listen-client-urls', 'http://0.0.0.0:2379', '--advertise-client-urls', 'http://127.0.0.1:2379'])
      .withExposedPorts(2379)
      .withWaitStrategy(Wait.forHttp('/health', 2379))
      .start(),
    new GenericContainer(stackImages.prometheus)
      // Host networking: Prometheus must reach test targets that listen on the host's loopback.
      .withNetworkMode('host')
      .withBindMounts([
        { source: join(findWorkspaceRoot(), 'infra', 'prometheus', 'prometheus.yml'), target: '/etc/prometheus/prometheus.yml', mode: 'ro' },
        { source: fileSdDir, target: '/etc/prometheus/targets', mode: 'ro' },
      ])
      .withCommand(['--config.file=/etc/prometheus/prometheus.yml', `--web.listen-address=127.0.0.1:${prometheusPort}`, '--web.enable-lifecycle'])
      .withWaitStrategy(Wait.forLogMessage(/Server is ready to receive web requests/))
      .start(),
  ]);
  const containers: StartedTestContainer[] = [postgres, kafka, etcd, prometheus];
  return {
    endpoints: {
      postgres: { url: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`, mode: 'container' },
      kafka: { brokers: [`127.0.0.1:${kafkaPort}`] },
      etcd: { endpoints: [`http://${etcd.getHost()}:${etcd.getMappedPort(2379)}`] },
      prometheus: { url: `http://127.0.0.1:${prometheusPort}`, fileSdDir },
    },
    async stop() {
      await Promise.all(containers.map((container) => container.stop()));
    },
  };
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
