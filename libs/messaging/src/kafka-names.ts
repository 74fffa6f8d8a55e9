/**
 * A platform's names on a shared broker. The prefix (a service's `KAFKA_PREFIX`, e.g.
 * `e2e-3fa1c2.`) goes before every topic and consumer group it uses, so two platforms on one
 * broker (the demo and the e2e tests on the local stack) neither read each other's events nor
 * split each other's groups. Empty, the default, leaves the names as written (`orders.v1`,
 * `order-service.checkout-saga`). Outbox rows and `@EventPattern` routes keep the written names;
 * what reaches the broker is prefixed (and so is the topic a `KafkaEventContext` shows).
 */
export class KafkaNames {
  /** No prefix: the names as written. */
  static readonly unprefixed = new KafkaNames('');

  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9._-]{0,100}$/.test(prefix)) throw new Error(`"${prefix}" cannot begin Kafka names: letters, digits, ".", "_" and "-" only, at most 100`);
  }

  /** The name on the broker of a name as written. */
  onBroker(name: string): string {
    return this.prefix + name;
  }

  /** The name as written of a name on the broker (one without the prefix is returned as it is). */
  asWritten(name: string): string {
    return name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name;
  }
}
