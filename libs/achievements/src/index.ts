// The achievements context's public surface: what the apps, the other contexts and the tests use.
export { AchievementsApiModule, AchievementsModule } from './achievements.module';
export { AchievementsService, type AchievementWithRights } from './achievements/achievements.service';
export { Achievement } from './achievements/achievement.entity';
export { IpRight } from './achievements/ip-right.entity';
export { IdleScanService, FORCED_LISTING_PRICE_DAYS, type ScanPreview, type ScanResult } from './compliance/idle-scan.service';
export { FreeLicensesService } from './free-licenses/free-licenses.service';
export type { FreeLicenseForContract } from './free-licenses/free-licenses.repository';
export { TransformationsService } from './transformations/transformations.service';
export type { ContractTookEffect } from './transformations/contract-took-effect';
export type { TransformationView } from './transformations/dto/transformation.dto';
export { COMPLIANCE_JOBS, type IdleScanJob, type RegistryImportJob } from './jobs';
export { RegistryImportsService } from './imports/registry-imports.service';
export { patentCheckChar, parsePatentNumber, evaluateIdleRule } from './domain';
