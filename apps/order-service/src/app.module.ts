import { Global, Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { CheckoutModule } from './checkout/checkout.module';
import { entities, migrations } from './data';
import { mesh } from './mesh';
import { loadOrderConfig, ORDER_CONFIG } from './order-config';
import { OrdersModule } from './orders/orders.module';

/** The validated order settings, read from the environment once, for every feature. */
@Global()
@Module({ providers: [{ provide: ORDER_CONFIG, useFactory: () => loadOrderConfig(process.env) }], exports: [ORDER_CONFIG] })
class OrderConfigModule {}

@Module({
  imports: [
    MeshModule.forRoot(mesh),
    PersistenceModule.forRoot({ service: mesh.service, entities, migrations }),
    OrderConfigModule,
    OrdersModule,
    CheckoutModule,
  ],
})
export class AppModule {}
