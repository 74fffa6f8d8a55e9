/**
 * A stand-alone process that registers one instance in etcd and stays up, for tests that must
 * kill a registered process for real (a lease expiring is only proven by a dead keep-alive).
 *
 * Run: node -r @swc-node/register registered-instance-process.ts '<json of RegisteredInstanceProcessArgs>'
 * Prints `registered <id>` once the instance is in etcd; SIGTERM deregisters and exits 0.
 */
import { EtcdRegistry } from '../etcd-registry';
import { type ServiceInstance } from '../service-instance';

export interface RegisteredInstanceProcessArgs {
  endpoints: string[];
  prefix: string;
  leaseTtlSeconds: number;
  instance: ServiceInstance;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '') as RegisteredInstanceProcessArgs;
  const registry = new EtcdRegistry({ endpoints: args.endpoints, prefix: args.prefix, leaseTtlSeconds: args.leaseTtlSeconds });
  await registry.register(args.instance);
  console.log(`registered ${args.instance.id}`);
  process.once('SIGTERM', () => {
    registry.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
