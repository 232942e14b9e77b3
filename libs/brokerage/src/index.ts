// The brokerage context's public surface: mandates (委托) to technology brokers.
export { BrokerageApiModule, BrokerageModule } from './brokerage.module';
export { MandatesService } from './mandates/mandates.service';
export { covers, mandateStatus, PERMISSIONS_BY_PRINCIPAL, type MandatePermission } from './domain/mandate';
