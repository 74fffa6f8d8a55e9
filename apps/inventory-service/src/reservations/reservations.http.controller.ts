import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { operatorIdentity, replayStatus, type Reservation, type ReserveStock, reserveStockSchema } from '@meshmart/contracts';
import { AllowFrom, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../inventory-problems';
import { ReservationsService } from './reservations.service';

const orderParams = z.object({ orderId: z.uuid() });
type OrderParams = z.infer<typeof orderParams>;

/** `/reservations`: stock held for orders, driven by the order service's checkout saga. */
@Controller('reservations')
export class ReservationsHttpController {
  constructor(@Inject(ReservationsService) private readonly reservations: ReservationsService) {}

  /**
   * 201 Reservation (HELD) when this call reserved; 200 with the existing one when the order
   * already reserved the same lines. 409 `out-of-stock` / `reservation-conflict`,
   * 404 `unknown-product`, 400 `invalid-request` (also for a sku on two lines).
   */
  @Post()
  @AllowFrom('order-service')
  async reserve(@Body(new ZodValidationPipe(reserveStockSchema)) command: ReserveStock, @Res({ passthrough: true }) reply: FastifyReply): Promise<Reservation> {
    const reserved = answerOrThrow(await this.reservations.reserve(command));
    void reply.status(replayStatus(reserved));
    return reserved.value;
  }

  /** 200 Reservation, or 404 `unknown-reservation`. */
  @Get(':orderId')
  @AllowFrom('order-service', operatorIdentity)
  async get(@Param(new ZodValidationPipe(orderParams)) { orderId }: OrderParams): Promise<Reservation> {
    return answerOrThrow((await this.reservations.find(orderId)) ?? { refusal: 'unknown-reservation', orderId });
  }

  /** 200 Reservation (COMMITTED, also when it already was); 409 `reservation-released`; 404. */
  @Post(':orderId/commit')
  @HttpCode(HttpStatus.OK)
  @AllowFrom('order-service')
  async commit(@Param(new ZodValidationPipe(orderParams)) { orderId }: OrderParams): Promise<Reservation> {
    return answerOrThrow(await this.reservations.commit(orderId));
  }

  /** 200 Reservation (RELEASED, stock given back once); 409 `reservation-committed`; 404. */
  @Post(':orderId/release')
  @HttpCode(HttpStatus.OK)
  @AllowFrom('order-service')
  async release(@Param(new ZodValidationPipe(orderParams)) { orderId }: OrderParams): Promise<Reservation> {
    return answerOrThrow(await this.reservations.release(orderId));
  }
}
