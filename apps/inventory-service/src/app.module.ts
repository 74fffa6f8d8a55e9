import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';

@Module({
  imports: [MeshModule.forRoot({ service: 'inventory-service' })],
})
export class AppModule {}
