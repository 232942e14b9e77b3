export * from './domain';
export * from './subsidies.module';
export { SubsidyPoliciesService, POLICY_EXPORT_FORMAT, type PolicyView, type PolicyExport } from './policies/policies.service';
export { SubsidyCandidatesService, type CandidateView } from './candidates/candidates.service';
export { SubsidyApplicationsService, type ApplicationView } from './applications/applications.service';
export { SettlementBatchesService, type BatchView } from './batches/batches.service';
export { ResearchFundingsService } from './fundings/research-fundings';
export { SubsidyReportsService } from './reports/reports';
export { SETTLEMENT_COLUMNS, settlementCsv, settlementXlsx, type SettlementLine } from './batches/settlement-export';
