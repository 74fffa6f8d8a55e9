import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type AuthorizePayment, authorizePaymentSchema, operatorIdentity, type Payment, replayStatus } from '@meshmart/contracts';
import { AllowFrom, currentRequestContext, ZodValidationPipe, IdempotencyKey } from '@meshmart/mesh';
import { answerOrThrow } from '../payment-problems';
import { PaymentsService } from './payments.service';

const paymentIdSchema = z.uuid();
const byOrderQuerySchema = z.object({ orderId: z.uuid() }).strict();

/**
 * The payments API. Only order-service moves money; operators may look. Bodies, parameters and
 * the Idempotency-Key are validated before anything is written. Capture, void and refund need
 * no key: repeating them is harmless by the state machine.
 */
@Controller('payments')
export class PaymentsHttpController {
  constructor(@Inject(PaymentsService) private readonly payments: PaymentsService) {}

  /** 201 with the new payment (AUTHORIZED, DECLINED or FAILED); 200 with the same one for a repeat of the request. */
  @Post()
  @AllowFrom('order-service')
  async authorize(
    @IdempotencyKey() key: string,
    @Body(new ZodValidationPipe(authorizePaymentSchema)) body: AuthorizePayment,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Payment> {
    const authorized = answerOrThrow(await this.payments.authorize(key, body, currentRequestContext()?.signal));
    // A replay says 200, so the caller can tell it made nothing new.
    void reply.status(replayStatus(authorized));
    return authorized.value;
  }

  /** 200 with the payments of `?orderId=<uuid>`, oldest first. */
  @Get()
  @AllowFrom('order-service', operatorIdentity)
  list(@Query(new ZodValidationPipe(byOrderQuerySchema)) query: z.infer<typeof byOrderQuerySchema>): Promise<Payment[]> {
    return this.payments.listByOrder(query.orderId);
  }

  /** 200 Payment; 404 `unknown-payment`. */
  @Get(':id')
  @AllowFrom('order-service', operatorIdentity)
  async get(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return answerOrThrow((await this.payments.find(id)) ?? { refusal: 'unknown-payment', paymentId: id });
  }

  /** 200 CAPTURED (also when it already was); 409 `invalid-payment-transition` from any other state. */
  @Post(':id/capture')
  @HttpCode(HttpStatus.OK)
  @AllowFrom('order-service')
  async capture(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return answerOrThrow(await this.payments.capture(id));
  }

  /** Also 200 for a DECLINED or FAILED payment, unchanged: compensation may void blindly. */
  @Post(':id/void')
  @HttpCode(HttpStatus.OK)
  @AllowFrom('order-service')
  async void(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return answerOrThrow(await this.payments.void(id));
  }

  /** 200 REFUNDED (also when it already was); 409 unless CAPTURED. */
  @Post(':id/refund')
  @HttpCode(HttpStatus.OK)
  @AllowFrom('order-service')
  async refund(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return answerOrThrow(await this.payments.refund(id));
  }
}
