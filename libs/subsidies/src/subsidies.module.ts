import { NotificationsModule } from '@zjp/identity';
import { Module } from '@nestjs/common';
import { PaymentsModule } from '@zjp/payments';
import { SubsidyApplicationsController } from './applications/applications.controller';
import { SubsidyApplicationsService } from './applications/applications.service';
import { SettlementBatchesController } from './batches/batches.controller';
import { SettlementBatchesService } from './batches/batches.service';
import { CandidateTriggers } from './candidates/candidate-triggers';
import { CandidateSweepsController } from './candidates/candidates.controller';
import { SubsidyCandidatesService } from './candidates/candidates.service';
import { ContractFactsAdapter } from './candidates/contract-facts.adapter';
import { ContractFactsReadModel, SqlContractFactsReadModel } from './candidates/contract-facts.read-model';
import { PartyFactsReadModel, SqlPartyFactsReadModel } from './candidates/party-facts.read-model';
import { SubjectFactsLoader } from './candidates/subject-facts';
import { ResearchFundingsController } from './fundings/research-fundings.controller';
import { ResearchFundingsService } from './fundings/research-fundings.service';
import { SubsidyPoliciesController } from './policies/policies.controller';
import { SubsidyPoliciesService } from './policies/policies.service';
import { SubsidyOutlookController } from './outlook/outlook.controller';
import { SubsidyOutlookService } from './outlook/outlook.service';
import { SubsidyReportsController } from './reports/reports.controller';
import { SubsidyReportsService } from './reports/reports.service';

const services = [
  ContractFactsAdapter,
  SubjectFactsLoader,
  SubsidyPoliciesService,
  SubsidyCandidatesService,
  SubsidyApplicationsService,
  SettlementBatchesService,
  ResearchFundingsService,
  SubsidyReportsService,
  SubsidyOutlookService,
];

/** Services only: for the worker (candidates) and other contexts. Contract payments trigger candidates in either process. */
/**
 * What the subsidies context reads of other contexts, set-wise: their published read models
 * (contract_directory, organization_directory) and the payments context's settled movements.
 */
const readModels = [
  { provide: ContractFactsReadModel, useClass: SqlContractFactsReadModel },
  { provide: PartyFactsReadModel, useClass: SqlPartyFactsReadModel },
];

@Module({ imports: [PaymentsModule, NotificationsModule], providers: [...readModels, ...services, CandidateTriggers], exports: services })
export class SubsidiesModule {}

/** The HTTP surface, for the API process. */
@Module({
  imports: [SubsidiesModule],
  controllers: [
    SubsidyPoliciesController,
    SubsidyApplicationsController,
    CandidateSweepsController,
    SettlementBatchesController,
    ResearchFundingsController,
    SubsidyReportsController,
    SubsidyOutlookController,
  ],
})
export class SubsidiesApiModule {}
