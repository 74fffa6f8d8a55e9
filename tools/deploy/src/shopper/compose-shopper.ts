import { parseArgs } from 'node:util';
import { operatorIdentity, testPaymentTokens } from '@meshmart/contracts';
import { demoCatalogue, MeshHttpsClient, Shopper } from '@meshmart/testing';

/**
 * The compose `shopper` job: the demo's script (seed the catalogue as the operator, then a
 * shopper's paid checkout and declined checkout) against a running compose deployment: the
 * operator calls an inventory sidecar over mTLS, the shopper the gateway's edge.
 */
export async function runComposeShopper(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { gateway: { type: 'string' }, inventory: { type: 'string' }, certs: { type: 'string' } } });
  const jwtSecret = env['GATEWAY_JWT_SECRET'];
  if (!values.gateway || !values.inventory || !values.certs || !jwtSecret) throw new Error('usage: shop --gateway URL --inventory URL --certs DIR, with GATEWAY_JWT_SECRET set');
  const operator = new MeshHttpsClient(values.certs, operatorIdentity);
  try {
    for (const { sku, ...product } of demoCatalogue) {
      const response = await operator.send('PUT', `${values.inventory}/products/${sku}`, product);
      if (response.status !== 200) throw new Error(`seeding ${sku} failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  } finally {
    operator.close();
  }
  console.log(`shopper: catalogue seeded (${demoCatalogue.map((product) => product.sku).join(', ')})`);
  const shopper = await Shopper.signIn(values.gateway, jwtSecret, 'ada');
  const products = await shopper.products();
  console.log(`  browse     ${products.status}  ${products.body.length} products`);
  for (const [sku, quantity] of [['MUG-001', 2], ['STK-001', 3], ['BOOK-001', 1]] as const) {
    if (sku === 'BOOK-001') await checkout(shopper, testPaymentTokens.approve);
    const line = await shopper.setLine(sku, quantity);
    console.log(`  add        ${line.status}  ${quantity} × ${sku}`);
  }
  await checkout(shopper, testPaymentTokens.decline);
  console.log(`shopper: done; open http://localhost:8080/docs, Grafana http://localhost:3000, Jaeger http://localhost:16686`);
  return 0;
}

async function checkout(shopper: Shopper, paymentToken: string): Promise<void> {
  const placed = await shopper.checkout(paymentToken);
  if (placed.status !== 201) throw new Error(`checkout answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const order = await shopper.settledOrder(placed.body.orderId);
  console.log(`  checkout   ${placed.status}  ${paymentToken} → order ${order.id} ${order.status}${order.failureReason ? ` (${order.failureReason})` : ''}`);
}
