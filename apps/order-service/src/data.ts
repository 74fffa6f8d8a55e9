import { CheckoutSagaRow } from './checkout/checkout-saga.entity';
import { CreateOrders1764200000000 } from './migrations/1764200000000-create-orders';
import { OrderRow } from './orders/order.entity';

/** The order database: its entities and, in order, its migrations. */
export const entities = [OrderRow, CheckoutSagaRow];
export const migrations = [CreateOrders1764200000000];
