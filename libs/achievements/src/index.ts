export { AchievementsApiModule, AchievementsModule } from './achievements.module';
export * from './achievements/achievement.entity';
export * from './achievements/ip-right.entity';
export * from './achievements/achievements.service';
export { IdleScanService, type ScanResult } from './compliance/idle-scan.service';
export { TransformationsService } from './transformations/transformations.service';
export type { ContractTookEffect } from './transformations/contract-took-effect';
export { patentCheckChar, parsePatentNumber, evaluateIdleRule } from './domain';
export { COMPLIANCE_JOBS, type IdleScanJob } from './jobs';
