import { ProductEntity } from './catalogue/product.entity';
import { CreateInventory1795620632199 } from './migrations/1795620632199-create-inventory';
import { ReservationEntity } from './reservations/reservation.entity';

/** The TypeORM entities of the inventory database. */
export const entities = [ProductEntity, ReservationEntity];

/** Its migrations, oldest first (the outbox and inbox come first, from @meshmart/persistence). */
export const migrations = [CreateInventory1795620632199];
