import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemas, isRefusal, type OrderLine, reservationSchema, type ReserveStock } from '@meshmart/contracts';
import { useStack } from '@meshmart/testing';
import { CatalogueService } from '../catalogue/catalogue.service';
import { openThrowawayInventoryDatabase, type ThrowawayInventoryDatabase } from '../testing/throwaway-inventory-database';
import { ReservationExpiry } from './reservation-expiry';
import { ReservationsService } from './reservations.service';

let inventory: ThrowawayInventoryDatabase;
let catalogue: CatalogueService;
let reservations: ReservationsService;
let nudges = 0;

/** A sku no other test uses; `prefix` places it in sku order. */
const newSku = (prefix = 'P') => `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

async function product(available: number, prefix?: string): Promise<string> {
  const sku = newSku(prefix);
  await catalogue.upsert(sku, { name: `product ${sku}`, price: { amountMinor: 1_250, currency: 'EUR' }, available });
  return sku;
}

const line = (sku: string, quantity: number): OrderLine => ({ sku, quantity });

const reserve = (lines: OrderLine[], extra: Partial<ReserveStock> = {}) => reservations.reserve({ orderId: randomUUID(), lines, ...extra });

async function eventTypes(orderId: string): Promise<string[]> {
  return (await inventory.events(orderId)).map((event) => event.type);
}

beforeAll(async () => {
  inventory = await openThrowawayInventoryDatabase((await useStack()).postgres.url);
  catalogue = new CatalogueService(inventory.db);
  reservations = new ReservationsService(inventory.db, { nudge: () => nudges++ }, { defaultTtlSeconds: 900 });
});

afterAll(async () => {
  await inventory?.drop();
});

describe('reserving, against a real Postgres', () => {
  it('never oversells: 40 concurrent one-unit reservations of 10 units, 10 succeed', async () => {
    const sku = await product(10);
    let lowest = 10;
    let racing = true;
    const watcher = (async () => {
      while (racing) lowest = Math.min(lowest, await inventory.available(sku));
    })();
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => reserve([{ sku, quantity: 1 }])));
    racing = false;
    await watcher;

    const reserved = outcomes.filter((outcome) => !isRefusal(outcome));
    const refused = outcomes.filter(isRefusal);
    expect(reserved).toHaveLength(10);
    expect(refused).toHaveLength(30);
    for (const refusal of refused) expect(refusal).toEqual({ refusal: 'out-of-stock', sku, requested: 1, available: 0 });
    expect(await inventory.available(sku)).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(0);

    // Each success left one reservation and one StockReserved; a refusal left nothing at all.
    for (const { value: reservation } of reserved as { value: { orderId: string } }[]) expect(await eventTypes(reservation.orderId)).toEqual(['StockReserved']);
    const [{ count }] = (await inventory.db.query(`SELECT count(*)::int AS count FROM reservations WHERE lines @> $1::jsonb`, [JSON.stringify([{ sku }])])) as [
      { count: number },
    ];
    expect(count).toBe(10);
  });

  it('has the database refuse negative stock, whatever the code above it does', async () => {
    const sku = await product(1);
    await expect(inventory.db.query('UPDATE products SET available = available - 2 WHERE sku = $1', [sku])).rejects.toMatchObject({ code: '23514' });
    expect(await inventory.available(sku)).toBe(1);
  });

  it('holds every line or none: a short second line leaves the first untouched', async () => {
    const [first, second] = [await product(5, 'A'), await product(1, 'Z')];
    const outcome = await reserve([
      { sku: second, quantity: 2 },
      { sku: first, quantity: 3 },
    ]);
    expect(outcome).toEqual({ refusal: 'out-of-stock', sku: second, requested: 2, available: 1 });
    expect([await inventory.available(first), await inventory.available(second)]).toEqual([5, 1]);

    const unknown = newSku('Z');
    const orderId = randomUUID();
    expect(
      await reservations.reserve({
        orderId,
        lines: [
          { sku: first, quantity: 1 },
          { sku: unknown, quantity: 1 },
        ],
      }),
    ).toEqual({ refusal: 'unknown-product', sku: unknown });
    expect(await inventory.available(first)).toBe(5);
    expect(await reservations.find(orderId)).toBeUndefined();
    expect(await eventTypes(orderId)).toEqual([]);
  });

  it('refuses a sku named on two lines, changing nothing', async () => {
    const sku = await product(5);
    expect(
      await reserve([
        { sku, quantity: 1 },
        { sku, quantity: 2 },
      ]),
    ).toEqual({ refusal: 'duplicate-sku', sku, index: 1 });
    expect(await inventory.available(sku)).toBe(5);
  });

  it('takes stock for many lines of crossing orders without deadlocking', async () => {
    const [a, b, c] = [await product(100, 'A'), await product(100, 'B'), await product(100, 'C')];
    const orders = Array.from({ length: 30 }, (_, i) => (i % 2 ? [line(c, 1), line(b, 1), line(a, 1)] : [line(a, 1), line(b, 1), line(c, 1)]));
    const outcomes = await Promise.all(orders.map((lines) => reserve(lines)));
    expect(outcomes.filter(isRefusal)).toEqual([]);
    expect([await inventory.available(a), await inventory.available(b), await inventory.available(c)]).toEqual([70, 70, 70]);
  });

  it('answers a repeated order with its reservation and takes the stock once', async () => {
    const sku = await product(10);
    const command = { orderId: randomUUID(), lines: [{ sku, quantity: 2 }] };
    const nudgesBefore = nudges;
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => reservations.reserve(command)));
    expect(outcomes.filter((outcome) => 'replayed' in outcome && !outcome.replayed)).toHaveLength(1);
    const [first] = outcomes as { value: unknown }[];
    for (const outcome of outcomes) expect(outcome).toMatchObject({ value: first?.value });
    expect(reservationSchema.parse(first?.value)).toMatchObject({ orderId: command.orderId, status: 'HELD', lines: command.lines });
    expect(await inventory.available(sku)).toBe(8);
    expect(await eventTypes(command.orderId)).toEqual(['StockReserved']);
    expect(nudges).toBe(nudgesBefore + 1);

    expect(await reservations.reserve({ ...command, lines: [{ sku, quantity: 3 }] })).toEqual({ refusal: 'reservation-conflict', orderId: command.orderId });
    expect(await reservations.commit(command.orderId)).toMatchObject({ status: 'COMMITTED' });
    expect(await reservations.reserve(command)).toEqual({ value: { ...(first?.value as object), status: 'COMMITTED' }, replayed: true });
    expect(await inventory.available(sku)).toBe(8);
  });

  it('holds for the ttl asked, else for the default', async () => {
    const sku = await product(10);
    const before = Date.now();
    const outcomes = [await reserve([{ sku, quantity: 1 }], { ttlSeconds: 60 }), await reserve([{ sku, quantity: 1 }])];
    const [short, long] = outcomes.map((outcome) => Date.parse((outcome as { value: { expiresAt: string } }).value.expiresAt) - before);
    expect(short).toBeGreaterThanOrEqual(60_000);
    expect(short).toBeLessThan(65_000);
    expect(long).toBeGreaterThanOrEqual(900_000);
    expect(long).toBeLessThan(905_000);
  });
});

describe('committing and releasing', () => {
  it('gives stock back once when two releases race, and then refuses to commit', async () => {
    const sku = await product(10);
    const { value: reservation } = (await reserve([{ sku, quantity: 3 }])) as { value: { orderId: string } };
    expect(await inventory.available(sku)).toBe(7);

    const [one, two] = await Promise.all([reservations.release(reservation.orderId), reservations.release(reservation.orderId)]);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ status: 'RELEASED', releaseReason: 'cancelled' });
    expect(await reservations.release(reservation.orderId)).toEqual(one);
    expect(await inventory.available(sku)).toBe(10);

    expect(await reservations.commit(reservation.orderId)).toEqual({
      refusal: 'reservation-released',
      orderId: reservation.orderId,
      releaseReason: 'cancelled',
    });
    expect(await eventTypes(reservation.orderId)).toEqual(['StockReserved', 'StockReleased']);
  });

  it('commits once, leaves the stock as reserved, and then refuses to release', async () => {
    const sku = await product(10);
    const { value: reservation } = (await reserve([{ sku, quantity: 4 }])) as { value: { orderId: string } };
    const committed = await reservations.commit(reservation.orderId);
    expect(reservationSchema.parse(committed)).toMatchObject({ status: 'COMMITTED' });
    expect(await reservations.commit(reservation.orderId)).toEqual(committed);
    expect(await inventory.available(sku)).toBe(6);

    expect(await reservations.release(reservation.orderId)).toEqual({ refusal: 'reservation-committed', orderId: reservation.orderId });
    expect(await inventory.available(sku)).toBe(6);
    expect(await reservations.find(reservation.orderId)).toEqual(committed);
    expect(await eventTypes(reservation.orderId)).toEqual(['StockReserved', 'StockCommitted']);
  });

  it('knows no reservation of an order that never reserved', async () => {
    const orderId = randomUUID();
    expect(await reservations.find(orderId)).toBeUndefined();
    expect(await reservations.commit(orderId)).toEqual({ refusal: 'unknown-reservation', orderId });
    expect(await reservations.release(orderId)).toEqual({ refusal: 'unknown-reservation', orderId });
  });

  it('expires instead of committing a hold that ran out before the sweeper saw it', async () => {
    const sku = await product(10);
    const { value: reservation } = (await reserve([{ sku, quantity: 2 }], { ttlSeconds: 60 })) as { value: { orderId: string } };
    const anHourOn = new ReservationsService(inventory.db, { nudge: () => undefined }, { defaultTtlSeconds: 900, now: () => new Date(Date.now() + 3_600_000) });
    expect(await anHourOn.commit(reservation.orderId)).toEqual({ refusal: 'reservation-released', orderId: reservation.orderId, releaseReason: 'expired' });
    expect(await inventory.available(sku)).toBe(10);
    expect(await reservations.find(reservation.orderId)).toMatchObject({ status: 'RELEASED', releaseReason: 'expired' });
  });

  it('announces each change with an event of the contract, in order', async () => {
    const sku = await product(10);
    const lines = [{ sku, quantity: 1 }];
    const { value: reservation } = (await reserve(lines)) as { value: { orderId: string; expiresAt: string } };
    const { orderId, expiresAt } = reservation;
    await reservations.commit(orderId);
    const released = ((await reserve(lines)) as { value: { orderId: string } }).value.orderId;
    await reservations.release(released);

    const events = [...(await inventory.events(orderId)), ...(await inventory.events(released))];
    expect(events.map(({ type, data }) => ({ type, data: eventSchemas[type as keyof typeof eventSchemas].parse(data) }))).toEqual([
      { type: 'StockReserved', data: { orderId, lines, expiresAt } },
      { type: 'StockCommitted', data: { orderId, lines } },
      { type: 'StockReserved', data: expect.objectContaining({ orderId: released, lines }) },
      { type: 'StockReleased', data: { orderId: released, lines, reason: 'cancelled' } },
    ]);
  });
});

describe('the expiry sweeper', () => {
  it('releases a hold that ran out, gives its stock back, and leaves a live one alone', async () => {
    const sku = await product(10);
    const expiring = ((await reserve([{ sku, quantity: 2 }], { ttlSeconds: 1 })) as { value: { orderId: string } }).value.orderId;
    const live = ((await reserve([{ sku, quantity: 3 }])) as { value: { orderId: string } }).value.orderId;
    expect(await inventory.available(sku)).toBe(5);

    const sweeper = new ReservationExpiry(reservations, { intervalMs: 50 }).start();
    try {
      await expect.poll(async () => (await reservations.find(expiring))?.status, { timeout: 10_000, interval: 100 }).toBe('RELEASED');
    } finally {
      await sweeper.stop();
    }
    expect(await reservations.find(expiring)).toMatchObject({ releaseReason: 'expired' });
    expect(await inventory.available(sku)).toBe(7);
    expect(await reservations.find(live)).toMatchObject({ status: 'HELD' });
    expect(await eventTypes(expiring)).toEqual(['StockReserved', 'StockReleased']);
    expect((await inventory.events(expiring))[1]?.data).toMatchObject({ reason: 'expired' });
    expect(await eventTypes(live)).toEqual(['StockReserved']);
  });

  it('releases each hold once when two instances sweep at the same time', async () => {
    const skus = [await product(100, 'A'), await product(100, 'B')];
    const [a = '', b = ''] = skus;
    const orders = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reserve(i % 2 ? [line(a, 1), line(b, 2)] : [line(b, 1), line(a, 2)], { ttlSeconds: 1 })),
    );
    const orderIds = orders.map((outcome) => (outcome as { value: { orderId: string } }).value.orderId);
    await sleep(1_100);

    const sweepers = [1, 2].map(() => new ReservationExpiry(reservations, { intervalMs: 1_000, batchSize: 4 }));
    const [first = 0, second = 0] = await Promise.all(sweepers.map((sweeper) => sweeper.sweepOnce()));
    // Nothing else in this database is due, so together they released exactly these 30.
    expect(first + second).toBe(30);
    for (const orderId of orderIds) expect(await eventTypes(orderId)).toEqual(['StockReserved', 'StockReleased']);
    expect(await Promise.all(skus.map((sku) => inventory.available(sku)))).toEqual([100, 100]);
  });
});
