import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderLine, Reservation, ReservationStatus } from '@meshmart/contracts';
import type { ReleaseReason } from './domain/reservation-state';

/**
 * Stock held for one order: one row of `reservations`, keyed by the order, so an order holds
 * at most one reservation and a repeated request finds it.
 */
@Entity({ name: 'reservations' })
export class ReservationEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: ReservationStatus;

  /** The lines, in sku order; fixed once reserved, so kept whole as a JSON array. */
  @Column({ type: 'jsonb' })
  lines!: OrderLine[];

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set exactly when the status is RELEASED (a CHECK says so). */
  @Column({ name: 'release_reason', type: 'text', nullable: true })
  releaseReason!: ReleaseReason | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The row as the contract's `Reservation`. */
export function reservationOf(row: ReservationEntity): Reservation {
  const reservation: Reservation = { orderId: row.orderId, status: row.status, lines: row.lines, expiresAt: row.expiresAt.toISOString() };
  if (row.releaseReason) reservation.releaseReason = row.releaseReason;
  return reservation;
}
