import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { CartsModule } from './carts/carts.module';
import { entities, migrations } from './data';
import { mesh } from './mesh';

@Module({
  imports: [MeshModule.forRoot(mesh), PersistenceModule.forRoot({ service: mesh.service, entities, migrations }), CartsModule],
})
export class AppModule {}
