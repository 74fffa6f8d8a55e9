import { type Order, testPaymentTokens } from '@meshmart/contracts';
import { demoCatalogue } from './catalogue-seed';
import type { MeshHttpsClient } from './mesh-https';
import { Shopper } from './shopper';

/** Puts the demo catalogue into inventory, as the operator (over mTLS), one product at a time. */
export async function seedDemoCatalogue(operator: MeshHttpsClient, inventoryUrl: string, log: (line: string) => void): Promise<void> {
  for (const { sku, ...product } of demoCatalogue) {
    const response = await operator.send('PUT', `${inventoryUrl}/products/${sku}`, product);
    if (response.status !== 200) throw new Error(`seeding ${sku} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  log(`catalogue seeded (${demoCatalogue.map((p) => p.sku).join(', ')})`);
}

/**
 * The demo's scripted shopper, the same wherever the platform runs (`npm run demo`, the
 * compose `shopper` job): browse, fill the cart, a checkout with a card that pays, one more
 * product, a checkout with a card that is declined. Returns both orders, as they ended.
 */
export async function runDemoShopper(gatewayUrl: string, jwtSecret: string, log: (line: string) => void): Promise<{ paid: Order; declined: Order }> {
  const shopper = await Shopper.signIn(gatewayUrl, jwtSecret, 'ada');
  log(`\nshopper ${shopper.userId}:`);
  const products = await shopper.products();
  log(`  browse     ${products.status}  ${products.body.length} products`);
  for (const [sku, quantity] of [
    ['MUG-001', 2],
    ['STK-001', 3],
  ] as const) {
    const line = await shopper.setLine(sku, quantity);
    log(`  add        ${line.status}  ${quantity} × ${sku}; cart total ${formatMoney(line.body.total)}`);
  }
  const paid = await checkout(shopper, testPaymentTokens.approve, 'a card that pays', log);
  const line = await shopper.setLine('BOOK-001', 1);
  log(`  add        ${line.status}  1 × BOOK-001; cart total ${formatMoney(line.body.total)}`);
  const declined = await checkout(shopper, testPaymentTokens.decline, 'a card that is declined', log);
  return { paid, declined };
}

async function checkout(shopper: Shopper, paymentToken: string, label: string, log: (line: string) => void): Promise<Order> {
  const placed = await shopper.checkout(paymentToken);
  if (placed.status !== 201) throw new Error(`checkout answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const order = await shopper.settledOrder(placed.body.orderId);
  log(
    `  checkout   ${placed.status}  with ${label} (${paymentToken}) → order ${order.id} ${order.status}${order.failureReason ? ` (${order.failureReason}; stock released, nothing captured)` : `, ${formatMoney(order.total)} captured`}`,
  );
  return order;
}

function formatMoney(money: { amountMinor: number; currency: string }): string {
  return `${(money.amountMinor / 100).toFixed(2)} ${money.currency}`;
}
