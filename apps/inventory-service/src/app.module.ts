import { Global, Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { CatalogueModule } from './catalogue/catalogue.module';
import { entities, migrations } from './data';
import { INVENTORY_CONFIG, loadInventoryConfig } from './inventory-config';
import { mesh } from './mesh';
import { ReservationsModule } from './reservations/reservations.module';

/** The validated inventory settings, read from the environment once, for every feature. */
@Global()
@Module({ providers: [{ provide: INVENTORY_CONFIG, useFactory: () => loadInventoryConfig(process.env) }], exports: [INVENTORY_CONFIG] })
class InventoryConfigModule {}

@Module({
  imports: [
    MeshModule.forRoot(mesh),
    PersistenceModule.forRoot({ service: mesh.service, entities, migrations }),
    InventoryConfigModule,
    CatalogueModule,
    ReservationsModule,
  ],
})
export class AppModule {}
