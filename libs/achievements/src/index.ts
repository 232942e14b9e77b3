export { AchievementsApiModule, AchievementsModule } from './achievements.module';
export * from './achievements/achievement.entity';
export * from './achievements/ip-right.entity';
export * from './achievements/achievements.service';
export { IdleScanService, type ScanResult } from './compliance/idle-scan.service';
export { TransformationsService, type ContractTookEffect } from './transformations/transformations';
export { patentCheckChar, parsePatentNumber, evaluateIdleRule } from './domain';
export { COMPLIANCE_JOBS, type IdleScanJob } from './jobs';
