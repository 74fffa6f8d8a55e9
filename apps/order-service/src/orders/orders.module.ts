import { Module } from '@nestjs/common';
import { CheckoutModule } from '../checkout/checkout.module';
import { OrdersHttpController } from './orders.http.controller';
import { OrdersService } from './orders.service';

@Module({ imports: [CheckoutModule], controllers: [OrdersHttpController], providers: [OrdersService] })
export class OrdersModule {}
