import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';

@Module({
  imports: [MeshModule.forRoot({ service: 'cart-service' })],
})
export class AppModule {}
