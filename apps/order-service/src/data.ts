import { CheckoutSagaEntity } from './checkout/checkout-saga.entity';
import { CreateOrders1764200000000 } from './migrations/1764200000000-create-orders';
import { OrderEntity } from './orders/order.entity';

/** The order database: its entities and, in order, its migrations. */
export const entities = [OrderEntity, CheckoutSagaEntity];
export const migrations = [CreateOrders1764200000000];
