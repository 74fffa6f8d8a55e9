import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuthorizePayment, idempotencyKeyReused, type IdempotencyKeyReused, type Payment, type Replayable } from '@meshmart/contracts';
import { appendToOutbox, type OutboxRelay } from '@meshmart/persistence';
import { type PaymentProvider, ProviderTimeout } from '../provider/payment-provider';
import { requestFingerprint, tokenHint } from './authorization-request';
import type { PaymentRefusal } from './domain/payment-refusal';
import { type PaymentAction, paymentFailureReasons, transition } from './domain/payment-state-machine';
import { PAYMENT_COLUMNS, type PaymentEntity, paymentEntityOf, paymentOf, type PaymentRecord } from './payment.entity';

/** The answer to an authorization: the payment (a replay when an earlier call with the key made it), or a key reused for another request. */
export type AuthorizeOutcome = Replayable<Payment> | IdempotencyKeyReused;

/** The answer to capture, void or refund: the payment (also after a repeat or a no-op, see the state machine), or a refusal. */
export type PaymentCommandOutcome = Payment | PaymentRefusal;

/** The command an order sends to an existing payment. */
export type PaymentCommand = 'capture' | 'void' | 'refund';

/** What the service needs of the outbox relay: a nudge once events are committed. */
export type OutboxNudge = Pick<OutboxRelay, 'nudge'>;

/** How a pending authorization settles, from the provider's answer or silence. */
type Settlement = { action: 'approve'; reference: string } | { action: 'decline' | 'fail'; reason: string };

/**
 * Payments: authorization (exactly once per idempotency key, across instances), capture, void
 * and refund, each state change written with its event in one transaction (outbox).
 */
export class PaymentsService {
  private readonly logger = new Logger('PaymentsService');

  constructor(
    private readonly db: DataSource,
    private readonly provider: PaymentProvider,
    private readonly relay: OutboxNudge,
  ) {}

  /**
   * Authorizes `request` once per `idempotencyKey`. The first caller inserts the row and, holding
   * its lock, asks the provider; concurrent callers with the same key (here or on another
   * instance) wait on the insert and then read the settled payment. The row is committed only
   * settled, so a crash in between leaves nothing and the retry starts afresh.
   * @param signal aborts when the caller stops waiting; the provider stops waiting too.
   */
  async authorize(idempotencyKey: string, request: AuthorizePayment, signal?: AbortSignal): Promise<AuthorizeOutcome> {
    const fingerprint = requestFingerprint(request);
    const outcome = await this.db.transaction(async (tx): Promise<AuthorizeOutcome> => {
      await tx.query(
        `INSERT INTO payments (id, order_id, idempotency_key, request_fingerprint, status, amount_minor, currency, token_hint)
         VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
        [randomUUID(), request.orderId, idempotencyKey, fingerprint, request.amount.amountMinor, request.amount.currency, tokenHint(request.paymentToken)],
      );
      const row = await this.locked(tx, 'idempotency_key', idempotencyKey);
      if (!row) throw new Error(`payment of idempotency key ${idempotencyKey} vanished after its insert`);
      if (row.requestFingerprint !== fingerprint) return idempotencyKeyReused;
      // Rows commit only settled, so a PENDING one is the row this transaction just inserted.
      if (row.status !== 'PENDING') return { value: paymentOf(row), replayed: true };
      const settlement = await this.askProvider(idempotencyKey, request, signal);
      await this.apply(
        tx,
        row,
        settlement.action,
        settlement.action === 'approve' ? { providerReference: settlement.reference } : { failureReason: settlement.reason },
      );
      if (settlement.action === 'fail') this.logger.warn(`payment ${row.id} of order ${row.orderId} failed: ${settlement.reason}`);
      return { value: paymentOf(row), replayed: false };
    });
    if ('replayed' in outcome && !outcome.replayed) this.relay.nudge();
    return outcome;
  }

  /** Takes the authorized money. Repeating it answers the captured payment. */
  capture(paymentId: string): Promise<PaymentCommandOutcome> {
    return this.command(paymentId, 'capture');
  }

  /** Releases an authorization; a declined or failed payment is answered unchanged (nothing to release). */
  void(paymentId: string): Promise<PaymentCommandOutcome> {
    return this.command(paymentId, 'void');
  }

  /** Gives captured money back. */
  refund(paymentId: string): Promise<PaymentCommandOutcome> {
    return this.command(paymentId, 'refund');
  }

  /** One payment, or undefined. */
  async find(paymentId: string): Promise<Payment | undefined> {
    const [record] = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`, [paymentId])) as PaymentRecord[];
    return record ? paymentOf(paymentEntityOf(record)) : undefined;
  }

  /** The payments of an order, oldest first. */
  async listByOrder(orderId: string): Promise<Payment[]> {
    const records = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY created_at, id`, [orderId])) as PaymentRecord[];
    return records.map((record) => paymentOf(paymentEntityOf(record)));
  }

  private async command(paymentId: string, action: PaymentCommand): Promise<PaymentCommandOutcome> {
    const { outcome, moved } = await this.db.transaction(async (tx): Promise<{ outcome: PaymentCommandOutcome; moved: boolean }> => {
      // The lock orders concurrent commands on one payment: the second sees the first's result.
      const row = await this.locked(tx, 'id', paymentId);
      if (!row) return { outcome: { refusal: 'unknown-payment', paymentId }, moved: false };
      const step = transition(row.status, action);
      if (step.action === 'refuse') return { outcome: { refusal: 'invalid-payment-transition', paymentId, status: row.status, action }, moved: false };
      if (step.action === 'none') return { outcome: paymentOf(row), moved: false };
      // The provider is asked while the row is locked, so it is asked once; if it fails, the
      // transaction rolls back and the payment stays as it was, to be retried.
      await this.tellProvider(row, action);
      await this.apply(tx, row, action, {});
      return { outcome: paymentOf(row), moved: true };
    });
    if (moved) this.relay.nudge();
    return outcome;
  }

  private async askProvider(idempotencyKey: string, request: AuthorizePayment, signal: AbortSignal | undefined): Promise<Settlement> {
    try {
      const answer = await this.provider.authorize({
        idempotencyKey,
        amount: request.amount,
        paymentToken: request.paymentToken,
        ...(signal ? { signal } : {}),
      });
      return answer.outcome === 'approved'
        ? { action: 'approve', reference: answer.reference }
        : { action: 'decline', reason: answer.reason || paymentFailureReasons.cardDeclined };
    } catch (error) {
      // Silence is an outcome (FAILED); any other provider error rolls the authorization back.
      if (error instanceof ProviderTimeout) return { action: 'fail', reason: paymentFailureReasons.providerTimeout };
      throw error;
    }
  }

  /** The payment with `column` = `value`, locked until the transaction ends, or undefined. */
  private async locked(tx: EntityManager, column: 'id' | 'idempotency_key', value: string): Promise<PaymentEntity | undefined> {
    const [record] = (await tx.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE ${column} = $1 FOR UPDATE`, [value])) as PaymentRecord[];
    return record ? paymentEntityOf(record) : undefined;
  }

  private async tellProvider(row: PaymentEntity, action: PaymentCommand): Promise<void> {
    const reference = row.providerReference;
    // AUTHORIZED and CAPTURED payments always carry the provider's reference.
    if (reference === null) throw new Error(`payment ${row.id} is ${row.status} without a provider reference`);
    const amount = { amountMinor: row.amountMinor, currency: row.currency };
    if (action === 'capture') await this.provider.capture(reference, amount);
    else if (action === 'void') await this.provider.void(reference);
    else await this.provider.refund(reference, amount);
  }

  /** Moves the locked row by `action`, with the event that announces it, in the caller's transaction. */
  private async apply(
    tx: EntityManager,
    row: PaymentEntity,
    action: PaymentAction,
    changes: Pick<Partial<PaymentEntity>, 'failureReason' | 'providerReference'>,
  ): Promise<void> {
    const step = transition(row.status, action);
    if (step.action !== 'move') throw new Error(`payment ${row.id}: ${action} does not move ${row.status}`);
    Object.assign(row, changes, { status: step.to });
    await tx.query('UPDATE payments SET status = $2, failure_reason = $3, provider_reference = $4, updated_at = now() WHERE id = $1', [
      row.id,
      row.status,
      row.failureReason,
      row.providerReference,
    ]);
    await this.announce(tx, row);
  }

  private async announce(tx: EntityManager, row: PaymentEntity): Promise<void> {
    const ids = { orderId: row.orderId, paymentId: row.id };
    const amount = { amountMinor: row.amountMinor, currency: row.currency };
    // Keyed by order: the saga reads one order's payment events in the order they happened.
    const aggregateId = row.orderId;
    switch (row.status) {
      case 'AUTHORIZED':
        await appendToOutbox(tx, { type: 'PaymentAuthorized', aggregateId, data: { ...ids, amount } });
        break;
      case 'DECLINED':
      case 'FAILED':
        await appendToOutbox(tx, { type: 'PaymentDeclined', aggregateId, data: { ...ids, reason: row.failureReason ?? row.status.toLowerCase() } });
        break;
      case 'CAPTURED':
        await appendToOutbox(tx, { type: 'PaymentCaptured', aggregateId, data: { ...ids, amount } });
        break;
      case 'VOIDED':
        await appendToOutbox(tx, { type: 'PaymentVoided', aggregateId, data: ids });
        break;
      case 'REFUNDED':
        await appendToOutbox(tx, { type: 'PaymentRefunded', aggregateId, data: { ...ids, amount } });
        break;
      default:
        // PENDING is never committed: a payment row is written settled or not at all.
        break;
    }
  }
}
