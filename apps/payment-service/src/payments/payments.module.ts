import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@meshmart/persistence';
import { PAYMENT_CONFIG, type PaymentConfig } from '../payment-config';
import { DeterministicPaymentProvider } from '../provider/deterministic-payment-provider';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../provider/payment-provider';
import { PaymentsHttpController } from './payments.http.controller';
import { PaymentsService } from './payments.service';

/** Runs the provider's `init` before traffic and its `destroy` after the listener closed. */
class PaymentProviderLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider) {}

  async onModuleInit(): Promise<void> {
    await this.provider.init?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.destroy?.();
  }
}

/**
 * The payments feature: its HTTP API, its service and the payment provider, bound to
 * `PAYMENT_PROVIDER` (the deterministic one; a real PSP's adapter replaces this binding).
 * Needs `PersistenceModule` (DataSource, OutboxRelay) and `PAYMENT_CONFIG` in the app.
 */
@Module({
  controllers: [PaymentsHttpController],
  providers: [
    {
      provide: PAYMENT_PROVIDER,
      inject: [PAYMENT_CONFIG],
      useFactory: (config: PaymentConfig) => new DeterministicPaymentProvider({ timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS }),
    },
    PaymentProviderLifecycle,
    {
      provide: PaymentsService,
      inject: [DataSource, PAYMENT_PROVIDER, OutboxRelay],
      useFactory: (db: DataSource, provider: PaymentProvider, relay: OutboxRelay) => new PaymentsService(db, provider, relay),
    },
  ],
})
export class PaymentsModule {}
