import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Order, Payment, Product, Reservation } from '@meshmart/contracts';
import { type AppProcess, type Platform, Shopper, startPlatform } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

/** The platform as the demo runs it, in its own namespace and databases, plus what the tests ask the services directly. */
export interface PlatformContext {
  platform: Platform;
  /** A product made for one test, with `available` units. */
  product(available: number, priceMinor?: number): Promise<Product>;
  stock(sku: string): Promise<number>;
  payments(orderId: string): Promise<Payment[]>;
  reservation(orderId: string): Promise<{ status: number; body: Reservation }>;
  ordersOf(userId: string): Promise<Order[]>;
  close(): Promise<void>;
}

/** `namespace` (default `e2e-<random>`) names the platform's mesh namespace, when a test needs it before the platform starts. */
export async function startPlatformContext(env: Record<string, string> = {}, namespace = `e2e-${randomBytes(3).toString('hex')}`): Promise<PlatformContext> {
  const stack = await useStack();
  const suffix = namespace.replace(/^e2e-/, '').replace(/[^a-z0-9]/g, '_');
  const certDir = mkdtempSync(join(tmpdir(), 'meshmart-e2e-'));
  // Every shopper of a run calls from 127.0.0.1: the edge's per-address limit is for the public
  // internet, not for a test's hundred shoppers on one machine (bad-input sets its own to test it).
  const platform = await startPlatform({
    stack,
    certDir,
    namespace,
    databaseSuffix: `e2e_${suffix}`,
    // Its own topics and consumer groups: a demo (or another run) on the same broker takes none of its events.
    kafkaPrefix: `${namespace}.`,
    env: { GATEWAY_ADDRESS_RATE_LIMIT: '1000000', ...env },
  });
  const any = (workload: 'inventory-service' | 'payment-service' | 'order-service'): AppProcess => {
    const live = platform.instancesOf(workload).filter((app) => app.process.exitCode === null && app.process.signalCode === null);
    if (!live[0]) throw new Error(`no live ${workload}`);
    return live[0];
  };
  let products = 0;
  return {
    platform,
    async product(available, priceMinor = 1_000) {
      const sku = `E2E-${suffix.toUpperCase()}-${++products}`;
      const body = { name: `e2e product ${products}`, price: { amountMinor: priceMinor, currency: 'EUR' }, available };
      const response = await platform.operator.send<Product>('PUT', `${any('inventory-service').url}/products/${sku}`, body);
      if (response.status !== 200) throw new Error(`could not make product ${sku}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async stock(sku) {
      const response = await platform.operator.send<Product>('GET', `${any('inventory-service').url}/products/${sku}`);
      return response.body.available;
    },
    async payments(orderId) {
      const response = await platform.operator.send<Payment[]>('GET', `${any('payment-service').url}/payments?orderId=${orderId}`);
      if (response.status !== 200) throw new Error(`payments of ${orderId}: ${response.status}`);
      return response.body;
    },
    reservation(orderId) {
      return platform.operator.send<Reservation>('GET', `${any('inventory-service').url}/reservations/${orderId}`);
    },
    async ordersOf(userId) {
      // Orders are read the way the shopper reads them: through the gateway, with their token.
      const shopper = await Shopper.signIn(platform.gateway.url, platform.jwtSecret, userId);
      const response = await shopper.call<Order[]>('GET', '/orders');
      return response.body;
    },
    async close() {
      await platform.stop();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}
