import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { entities, migrations } from './data';
import { mesh } from './mesh';
import { loadPaymentConfig } from './payment-config';
import { PaymentsModule } from './payments/payments.module';

@Module({
  imports: [MeshModule.forRoot(mesh), PersistenceModule.forRoot({ service: mesh.service, entities, migrations }), PaymentsModule.forRoot(loadPaymentConfig())],
})
export class AppModule {}
