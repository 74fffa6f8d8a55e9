import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';

@Module({
  imports: [MeshModule.forRoot({ service: 'order-service' })],
})
export class AppModule {}
