// The contracts context's public surface: what the apps, the other contexts and the tests use (and its pure rules, domain/).
export { ContractsApiModule, ContractsModule } from './contracts.module';
export { ContractsService } from './contracts/contracts.service';
export { ContractBillingService } from './billing/contract-billing.service';
export { canonicalJson, documentLines, renderPdf, sha256, signedContent, type ContractDocument } from './documents/contract-document';
export * from './domain';
export { CONTRACT_JOBS, type ContractFromDealJob } from './jobs';
