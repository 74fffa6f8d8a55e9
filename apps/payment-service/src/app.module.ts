import { Global, Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { entities, migrations } from './data';
import { mesh } from './mesh';
import { loadPaymentConfig, PAYMENT_CONFIG } from './payment-config';
import { PaymentsModule } from './payments/payments.module';

/** The validated payment settings, read from the environment once, when the app boots. */
@Global()
@Module({ providers: [{ provide: PAYMENT_CONFIG, useFactory: () => loadPaymentConfig(process.env) }], exports: [PAYMENT_CONFIG] })
class PaymentConfigModule {}

@Module({
  imports: [MeshModule.forRoot(mesh), PersistenceModule.forRoot({ service: mesh.service, entities, migrations }), PaymentConfigModule, PaymentsModule],
})
export class AppModule {}
