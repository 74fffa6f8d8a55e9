import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay, PersistenceStartup } from '@meshmart/persistence';
import { INVENTORY_CONFIG, type InventoryConfig } from '../inventory-config';
import { ReservationExpiry } from './reservation-expiry';
import { ReservationsHttpController } from './reservations.http.controller';
import { ReservationsService } from './reservations.service';

/** Reservations of stock (`/reservations`) and the sweeper that expires them. */
@Module({
  controllers: [ReservationsHttpController],
  providers: [
    {
      provide: ReservationsService,
      inject: [DataSource, OutboxRelay, INVENTORY_CONFIG],
      useFactory: (db: DataSource, relay: OutboxRelay, config: InventoryConfig) =>
        new ReservationsService(db, relay, { defaultTtlSeconds: config.INVENTORY_RESERVATION_TTL_SECONDS }),
    },
    {
      provide: ReservationExpiry,
      inject: [ReservationsService, INVENTORY_CONFIG, PersistenceStartup],
      useFactory: (reservations: ReservationsService, config: InventoryConfig, startup: PersistenceStartup) => {
        const logger = new Logger('ReservationExpiry');
        return new ReservationExpiry(reservations, {
          intervalMs: config.INVENTORY_EXPIRY_SWEEP_MS,
          after: startup.whenDatabaseReady(),
          onError: (error) => logger.warn(`expiry sweep failed, retrying: ${error instanceof Error ? error.message : String(error)}`),
        });
      },
    },
  ],
})
export class ReservationsModule {}
