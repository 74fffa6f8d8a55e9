import type { INestApplication } from '@nestjs/common';
import { connectEventServer } from '@meshmart/messaging';
import { PersistenceStartup } from './persistence-startup';

/**
 * Starts the app's `@EventPattern` handlers on Kafka, each group consuming through the inbox
 * with the service's start-up conditions (see `PersistenceStartup.eventServer`), without
 * waiting for the broker. A service with consumers passes it to `runService` as `configure`.
 */
export function consumeEvents(app: INestApplication): Promise<void> {
  return connectEventServer(app, app.get(PersistenceStartup).eventServer());
}
