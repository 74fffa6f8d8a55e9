import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { MeshModule } from '@meshmart/mesh';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ADDRESS_THROTTLER, AddressThrottlerGuard } from './auth/address-throttler.guard';
import { SHOPPER_THROTTLER, ShopperThrottlerGuard } from './auth/shopper-throttler.guard';
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
    ThrottlerModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => [
        // Its guard sets a plain Retry-After itself; the library's would be `Retry-After-address`.
        { name: ADDRESS_THROTTLER, ttl: config.GATEWAY_RATE_WINDOW_MS, limit: config.GATEWAY_ADDRESS_RATE_LIMIT, setHeaders: false },
        { name: SHOPPER_THROTTLER, ttl: config.GATEWAY_RATE_WINDOW_MS, limit: config.GATEWAY_RATE_LIMIT },
      ],
    }),
  ],
  controllers: [CatalogueHttpController, CartHttpController, OrdersHttpController],
  // The address limit is global, so it runs before the controllers' guards (authentication).
  providers: [UpstreamRelay, JwtAuthGuard, ShopperThrottlerGuard, { provide: APP_GUARD, useClass: AddressThrottlerGuard }],
})
export class AppModule {}
