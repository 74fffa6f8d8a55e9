import { Global, Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { CheckoutModule } from './checkout/checkout.module';
import { entities, migrations } from './data';
import { mesh } from './mesh';
import { loadOrderConfig, ORDER_CONFIG } from './order-config';
import { OrdersModule } from './orders/orders.module';

@Global()
@Module({ providers: [{ provide: ORDER_CONFIG, useFactory: () => loadOrderConfig() }], exports: [ORDER_CONFIG] })
class OrderConfigModule {}

@Module({
  imports: [MeshModule.forRoot(mesh), OrderConfigModule, PersistenceModule.forRoot({ service: mesh.service, entities, migrations }), OrdersModule, CheckoutModule],
})
export class AppModule {}
