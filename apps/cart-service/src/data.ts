import { CartEntity } from './carts/cart.entity';
import { CreateCarts1764300000000 } from './migrations/1764300000000-create-carts';

/** The cart database: its entities and, in order, its migrations. */
export const entities = [CartEntity];
export const migrations = [CreateCarts1764300000000];
