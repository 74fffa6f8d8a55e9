import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { MeshModule } from '@meshmart/mesh';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ShopperThrottlerGuard } from './auth/shopper-throttler.guard';
import { GATEWAY_CONFIG, type GatewayConfig, loadGatewayConfig } from './gateway-config';
import { mesh } from './mesh';
import { CartHttpController } from './routes/cart.http.controller';
import { CatalogueHttpController } from './routes/catalogue.http.controller';
import { OrdersHttpController } from './routes/orders.http.controller';
import { UpstreamRelay } from './routes/upstream-relay';

@Global()
@Module({ providers: [{ provide: GATEWAY_CONFIG, useFactory: () => loadGatewayConfig() }], exports: [GATEWAY_CONFIG] })
class GatewayConfigModule {}

@Module({
  imports: [
    MeshModule.forRoot(mesh),
    GatewayConfigModule,
    ThrottlerModule.forRootAsync({ inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => [{ ttl: config.GATEWAY_RATE_WINDOW_MS, limit: config.GATEWAY_RATE_LIMIT }] }),
  ],
  controllers: [CatalogueHttpController, CartHttpController, OrdersHttpController],
  providers: [UpstreamRelay, JwtAuthGuard, ShopperThrottlerGuard],
})
export class AppModule {}
