/** Image tags, kept equal to what the local stack runs (Kafka: see infra/kafka/README.md); the compose files and the container stack of tests use them. */
export const stackImages = {
  postgres: 'postgres:16-alpine',
  kafka: 'apache/kafka:4.2.0',
  etcd: 'quay.io/coreos/etcd:v3.5.17',
  prometheus: 'prom/prometheus:v2.55.1',
} as const;
