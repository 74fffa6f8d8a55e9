import { CreatePayments1795620636499 } from './migrations/1795620636499-create-payments';
import { PaymentEntity } from './payments/payment.entity';

/** The TypeORM entities of payment-service's database. */
export const entities = [PaymentEntity];

/** Its migrations, oldest first (the outbox and inbox come first, from @meshmart/persistence). */
export const migrations = [CreatePayments1795620636499];
