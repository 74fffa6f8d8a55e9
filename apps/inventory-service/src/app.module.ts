import { Module } from '@nestjs/common';
import { MeshModule } from '@meshmart/mesh';
import { mesh } from './mesh';

@Module({
  imports: [MeshModule.forRoot(mesh)],
})
export class AppModule {}
