import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type AuthorizePayment, authorizePaymentSchema, operatorIdentity, type Payment } from '@meshmart/contracts';
import { AllowFrom, currentRequestContext, ZodValidationPipe } from '@meshmart/mesh';
import { IdempotencyKey } from './idempotency-key';
import { paymentOrProblem, paymentProblems } from './payment-problems';
import { PaymentsService } from './payments.service';

const paymentIdSchema = z.uuid();
const byOrderQuerySchema = z.object({ orderId: z.uuid() }).strict();

/**
 * The payments API. Only order-service moves money; operators may look. Bodies, parameters and
 * the Idempotency-Key are validated before anything is written.
 */
@Controller('payments')
export class PaymentsHttpController {
  constructor(@Inject(PaymentsService) private readonly payments: PaymentsService) {}

  /** 201 with the new payment (AUTHORIZED, DECLINED or FAILED); 200 with the same one for a repeat of the request. */
  @Post()
  @AllowFrom('order-service')
  async authorize(@IdempotencyKey() key: string, @Body(new ZodValidationPipe(authorizePaymentSchema)) body: AuthorizePayment, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.payments.authorize(key, body, currentRequestContext()?.signal);
    if (outcome.kind === 'idempotency-key-reused') throw paymentProblems.idempotencyKeyReused();
    // Nest would force 201 on every POST; a replay must say 200, so this handler answers itself.
    await reply.status(outcome.kind === 'created' ? 201 : 200).send(outcome.payment);
  }

  @Get()
  @AllowFrom('order-service', operatorIdentity)
  list(@Query(new ZodValidationPipe(byOrderQuerySchema)) query: z.infer<typeof byOrderQuerySchema>): Promise<Payment[]> {
    return this.payments.listByOrder(query.orderId);
  }

  @Get(':id')
  @AllowFrom('order-service', operatorIdentity)
  async get(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    const payment = await this.payments.find(id);
    if (!payment) throw paymentProblems.unknownPayment(id);
    return payment;
  }

  @Post(':id/capture')
  @HttpCode(200)
  @AllowFrom('order-service')
  async capture(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return paymentOrProblem(id, await this.payments.capture(id));
  }

  /** Also 200 for a DECLINED or FAILED payment, unchanged: compensation may void blindly. */
  @Post(':id/void')
  @HttpCode(200)
  @AllowFrom('order-service')
  async void(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return paymentOrProblem(id, await this.payments.void(id));
  }

  @Post(':id/refund')
  @HttpCode(200)
  @AllowFrom('order-service')
  async refund(@Param('id', new ZodValidationPipe(paymentIdSchema)) id: string): Promise<Payment> {
    return paymentOrProblem(id, await this.payments.refund(id));
  }
}
