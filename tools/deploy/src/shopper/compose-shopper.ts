import { parseArgs } from 'node:util';
import { edgeWorkloads, operatorIdentity, workloadDescriptor } from '@meshmart/contracts';
import { MeshHttpsClient, runDemoShopper, seedDemoCatalogue } from '@meshmart/platform';

/**
 * The compose `shopper` job: the demo's script (seed the catalogue as the operator, then a
 * shopper's paid checkout and declined checkout) against a running compose deployment: the
 * operator calls an inventory sidecar over mTLS, the shopper the gateway's edge.
 */
export async function runComposeShopper(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { gateway: { type: 'string' }, inventory: { type: 'string' }, certs: { type: 'string' } } });
  const jwtSecret = env['GATEWAY_JWT_SECRET'];
  if (!values.gateway || !values.inventory || !values.certs || !jwtSecret)
    throw new Error('usage: shop --gateway URL --inventory URL --certs DIR, with GATEWAY_JWT_SECRET set');
  const operator = new MeshHttpsClient(values.certs, operatorIdentity);
  try {
    await seedDemoCatalogue(operator, values.inventory, (line) => console.log(`shopper: ${line}`));
  } finally {
    operator.close();
  }
  await runDemoShopper(values.gateway, jwtSecret, (line) => console.log(line));
  // Compose publishes the edge's sidecar on the edge workload's port (docker-compose.yml).
  const [edge] = edgeWorkloads;
  const edgePort = edge && workloadDescriptor(edge).port;
  console.log(`shopper: done; open http://localhost:${edgePort ?? '<edge port>'}/docs, Grafana http://localhost:3000, Jaeger http://localhost:16686`);
  return 0;
}
