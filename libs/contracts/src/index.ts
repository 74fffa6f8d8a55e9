// Public API of @meshmart/contracts: the language between services. Schemas are the one source
// of truth; every type is derived from one.
export { edgeWorkloads, isEdgeWorkload, isWorkload, operatorIdentity, workloadDescriptor, workloadDescriptors, workloads } from './services';
export type { Workload } from './services';
export { defineWorkload, InvalidWorkloadDescriptor, workloadDescriptorSchema, workloadNameSchema, workloadSetProblems } from './workload-descriptor';
export type { WorkloadDescriptor, WorkloadDescriptorInput } from './workload-descriptor';
export { currencySchema, moneySchema } from './money';
export type { Money } from './money';
export { productSchema, skuSchema, upsertProductSchema } from './catalogue';
export type { Product, UpsertProduct } from './catalogue';
export { orderLineSchema, outOfStockSchema, quantitySchema, reservationSchema, reservationStatuses, reserveStockSchema } from './reservations';
export type { OrderLine, OutOfStockDetail, Reservation, ReservationStatus, ReserveStock } from './reservations';
export { authorizePaymentSchema, paymentSchema, paymentStatuses, paymentTokenSchema, testPaymentTokens } from './payments';
export type { AuthorizePayment, Payment, PaymentStatus } from './payments';
export { orderFailureReasons, orderSchema, orderStatuses, placeOrderSchema, pricedLineSchema, terminalOrderStatuses, userIdSchema } from './orders';
export type { Order, OrderFailureReason, OrderStatus, PlaceOrder, PricedLine } from './orders';
export { cartLineSchema, cartSchema, checkoutResultSchema, checkoutSchema, setCartLineSchema } from './cart';
export type { Cart, Checkout, CheckoutResult, SetCartLine } from './cart';
export { idempotencyKeyReused, isRefusal, replayStatus, sharedProblemOf, valueOrThrow } from './outcomes';
export type { IdempotencyKeyReused, OutOfStock, ProblemTemplate, Refusal, Replayable, SharedRefusal, UnknownProduct } from './outcomes';
export { deadLetterTopic, eventEnvelopeSchema, eventSchemas, isEventType, parseEventData, topicOfEvent, topics } from './events';
export type { EventData, EventEnvelope, EventType, Topic } from './events';
