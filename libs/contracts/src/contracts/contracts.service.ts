import { NotificationsService, regionName } from '@zjp/identity';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  Clock,
  CLOCK,
  ConflictError,
  DomainError,
  ForbiddenError,
  isUuid,
  LocalDate,
  newId,
  NotFoundError,
  periodEndMonths,
  shanghaiDate,
  todayInShanghai,
  ValidationError,
} from '@zjp/core';
import { DomainEventHandlers, isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { AchievementsService, FreeLicensesService, TransformationsService } from '@zjp/achievements';
import { DealsService, ListingFlowsService } from '@zjp/market';
import { ContractPaymentsService, DepositsService, PaymentStatusChanged } from '@zjp/payments';
import { type PageOf, type Principal, oversightOf } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import {
  actualValue,
  checkTermsShape,
  commissionFen,
  ContractAction,
  ContractStatus,
  ContractTerms,
  ContractType,
  draftFreeLicense,
  draftFromDeal,
  nextPerformanceStep,
  royaltyAmount,
  royaltyPeriodsOf,
  ScheduleSummary,
  summarise,
  transformationOf,
  transition,
  TransferObject,
  validateTerms,
} from '../domain';
import { canonicalJson, ContractDocument, renderPdf, sha256, signedContent, TYPE_LABELS } from '../documents/contract-document';
import { ContractRow, feeStartOf, isContractAdministrator, loadContract, loadVisible, partyOf } from './contract-row';
import { ContractListItem, ContractView, SignatureView, toContractView, toMoneyView } from './contract.views';
import * as contracts from './contracts.repository';
import * as commissions from './commissions.repository';
import * as billing from '../billing/billing.repository';

export type TerminationKind = 'buyer_default' | 'mutual' | 'withdrawn' | 'other';

export interface DraftContractInput {
  type: ContractType;
  achievementId: string;
  buyerId: string;
  terms: unknown;
  title?: string;
}

type Tx = EntityManager;

/**
 * Technology contracts (技术合同): drafted from a deal (the deals table is the outbox: a job after
 * the deal commits, and a sweep for any the job missed), from an approved P-3Y free licence, or by
 * a holder; versioned until both parties sign; registered (技术合同认定登记) by an administrator;
 * paid and completed, or terminated. Every change is a transaction that locks the contract row,
 * checks the transition with the pure state machine and writes its audit entry (invariant 6).
 * What must follow a signature (the registry's transformation, the winner's deposit applied to the
 * price) happens after the commit and is recorded in the row, so the sweep finishes what a crash
 * interrupted.
 */
@Injectable()
export class ContractsService implements OnModuleInit {
  private readonly logger = new Logger(ContractsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly transformations: TransformationsService,
    private readonly listingFlows: ListingFlowsService,
    private readonly payments: ContractPaymentsService,
    private readonly deposits: DepositsService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: DomainEventHandlers,
    private readonly deals: DealsService,
    private readonly freeLicenses: FreeLicensesService,
    private readonly achievements: AchievementsService,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    // A payment or refund under a contract may move it into performance or complete it (idempotent: reconcile reads the totals).
    this.events.on(PaymentStatusChanged, 'contracts.reconcile-on-payment', async (change) => {
      if (change.referenceType === 'contract') await this.reconcile(change.referenceId);
    });
  }

  // ---- creation ---------------------------------------------------------------------------

  /** The deal's contract draft, once: a repeated call (job retried, sweep, duplicate event) finds it. Null for a deal that defaulted. */
  async createFromDeal(dealId: string): Promise<{ contractId: string; created: boolean } | null> {
    return this.tx.run(async (m) => {
      const existing = await contracts.contractIdByDeal(m, dealId);
      if (existing) return { contractId: existing, created: false };
      // the market's deal, share-locked so it cannot default while its contract is drafted; any status, so the check is ours
      const deal = await this.deals.findForContract(m, dealId);
      if (!deal || deal.status !== 'awaiting_contract') return null;
      const names = await contracts.dealDraftNames(m, deal.achievementId, deal.buyerId);
      if (!names) return null;
      const { type, terms } = draftFromDeal({
        dealType: deal.dealType,
        licenseType: deal.licenseType,
        priceFen: BigInt(deal.priceFen),
        concludedOn: shanghaiDate(deal.concludedAt),
        transferObject: await this.transferObjectOf(m, deal.achievementId),
        fromUseFirstList: deal.forced && deal.ruleClause === 'P-2Y',
        buyerIsSme: names.sme,
      });
      const id = await this.insert(m, {
        type,
        terms,
        source: deal.source,
        dealId,
        applicationId: null,
        achievementId: deal.achievementId,
        sellerId: deal.sellerId,
        buyerId: deal.buyerId,
        title: `${names.title} ${TYPE_LABELS[type]}`,
        priceFen: deal.priceFen,
        depositFen: deal.source === 'auction' ? deal.depositFen : '0',
        actor: null,
      });
      if (!id) return { contractId: (await contracts.contractIdByDeal(m, dealId))!, created: false };
      await recordAudit(m, {
        action: 'contract.drafted',
        subjectType: 'contract',
        subjectId: id,
        data: { from: 'deal', dealId, type },
        occurredAt: this.clock.now(),
      });
      await this.recordCommissions(m, id, deal);
      return { contractId: id, created: true };
    });
  }

  /**
   * 佣金: a deal made through a mandate — the seller's or the buyer's broker acted on its achievement
   * under the party's mandate before the deal (brokerage's published view) — carries the mandate's
   * commission on its contract, computed from the contract's value (the deal price).
   */
  private async recordCommissions(
    m: EntityManager,
    contractId: string,
    deal: { achievementId: string; sellerId: string; buyerId: string; priceFen: string; concludedAt: Date },
  ) {
    const terms = await commissions.brokeredTerms(m, deal.achievementId, [deal.sellerId, deal.buyerId], deal.concludedAt);
    const basisFen = BigInt(deal.priceFen);
    for (const t of terms) {
      const fen = commissionFen(basisFen, t.rateBp !== null ? { rateBp: t.rateBp, fixedFen: null } : { rateBp: null, fixedFen: BigInt(t.fixedFen!) });
      const side = t.principalOrganizationId === deal.sellerId ? 'seller' : 'buyer';
      await commissions.insertCommission(m, { contractId, side, terms: t, basisFen, commissionFen: fen, at: this.clock.now() });
      await recordAudit(m, {
        action: 'contract.commission_recorded',
        subjectType: 'contract',
        subjectId: contractId,
        data: {
          side,
          mandateId: t.mandateId,
          brokerOrganizationId: t.brokerOrganizationId,
          rateBp: t.rateBp,
          fixedFen: t.fixedFen,
          commissionFen: fen.toString(),
        },
        occurredAt: this.clock.now(),
      });
    }
  }

  /** P-3Y: an approved free-licence application becomes a free_license contract, once. */
  async createFromFreeLicense(applicationId: string, actor?: Principal): Promise<{ contractId: string; created: boolean }> {
    return this.tx.run(async (m) => {
      // an enterprise asks only for its own application; anyone else's does not exist for it
      if (actor && !actor.roles.includes('platform_admin')) {
        if (!(await this.freeLicenses.isApplicationOf(m, applicationId, actor.organizationId)))
          throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such free-licence application');
      }
      const existing = await contracts.contractIdByFreeLicense(m, applicationId);
      if (existing) return { contractId: existing, created: false };
      const application = await this.freeLicenses.findForContract(m, applicationId);
      if (!application) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such free-licence application');
      if (application.status !== 'approved') throw new ConflictError('APPLICATION_NOT_APPROVED', `The application is ${application.status}`);
      const { type, terms } = draftFreeLicense(shanghaiDate(application.decidedAt ?? this.clock.now()));
      const id = await this.insert(m, {
        type,
        terms,
        source: 'free_license',
        dealId: null,
        applicationId,
        achievementId: application.achievementId,
        sellerId: application.holderId,
        buyerId: application.enterpriseId,
        title: `${application.title} ${TYPE_LABELS[type]}`,
        priceFen: '0',
        depositFen: '0',
        actor: null,
      });
      if (!id) return { contractId: (await contracts.contractIdByFreeLicense(m, applicationId))!, created: false };
      await recordAudit(m, {
        action: 'contract.drafted',
        subjectType: 'contract',
        subjectId: id,
        data: { from: 'free_license_application', applicationId, clause: 'P-3Y' },
        occurredAt: this.clock.now(),
      });
      return { contractId: id, created: true };
    });
  }

  /** The holder drafts a contract directly with an enterprise (e.g. use-first with a small or micro enterprise, P-PRICE). */
  async draft(actor: Principal, input: DraftContractInput): Promise<ContractView> {
    if (input.type === 'free_license')
      throw new ValidationError([{ field: 'type', code: 'freeLicenseFromApplication', message: 'a free licence (P-3Y) comes from an approved application' }]);
    const terms = this.parseTerms(input.type, input.terms);
    const id = await this.tx.run(async (m) => {
      const a = await contracts.achievementToDraft(m, input.achievementId);
      if (!a[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (!actor.roles.includes('platform_admin') && !(actor.organizationId === a[0].holder_id && actor.roles.includes('holder_admin'))) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the achievement's holder drafts its contracts");
      }
      if (a[0].registration_status !== 'registered') throw new ConflictError('ACHIEVEMENT_NOT_REGISTERED', 'Only a registered achievement is contracted');
      const b = await contracts.buyerToDraft(m, input.buyerId);
      if (!b[0] || b[0].type !== 'enterprise')
        throw new ValidationError([{ field: 'buyerId', code: 'isEnterprise', message: 'buyerId must be an enterprise' }]);
      if (input.type === 'use_first' && !b[0].sme)
        throw new DomainError('USE_FIRST_REQUIRES_SME', '先用后转 is for small and micro enterprises (P-PRICE)', { details: { buyerId: input.buyerId } });
      const contractId = await this.insert(m, {
        type: input.type,
        terms,
        source: 'drafted',
        dealId: null,
        applicationId: null,
        achievementId: input.achievementId,
        sellerId: a[0].holder_id,
        buyerId: input.buyerId,
        title: input.title?.trim() || `${a[0].title} ${TYPE_LABELS[input.type]}`,
        priceFen: '0',
        depositFen: '0',
        actor,
      });
      await this.audit(m, actor, 'contract.drafted', contractId!, { from: 'holder', type: input.type });
      return contractId!;
    });
    return this.get(actor, id);
  }

  // ---- terms and signatures -----------------------------------------------------------------

  /** A new version of the terms; amending a contract that awaits signatures sends it back to draft (earlier signatures were for the old version). */
  async amend(actor: Principal, id: string, input: { expectedVersion: number; terms: unknown; note?: string }): Promise<ContractView> {
    await this.tx.run(async (m) => {
      const c = await this.actingParty(m, actor, id);
      this.check(c, 'amend');
      if (input.expectedVersion !== c.version)
        throw new ConflictError('CONTRACT_VERSION_CONFLICT', `The terms are at version ${c.version}`, { version: c.version });
      const terms = this.parseTerms(c.type, input.terms);
      const version = c.version + 1;
      await contracts.insertVersion(m, id, version, terms, input.note ?? null, actor.userId, this.clock.now());
      await contracts.amendTerms(m, id, terms, version, this.clock.now());
      await this.audit(m, actor, 'contract.amended', id, { version, from: c.status, note: input.note ?? null });
    });
    return this.get(actor, id);
  }

  /** The terms are complete and go out for signature (either party). */
  async submit(actor: Principal, id: string, input: { version: number }): Promise<ContractView> {
    await this.tx.run(async (m) => {
      const c = await this.actingParty(m, actor, id);
      this.check(c, 'submit');
      if (input.version !== c.version) throw new ConflictError('CONTRACT_VERSION_CONFLICT', `The terms are at version ${c.version}`, { version: c.version });
      const problems = validateTerms(c.type, c.terms);
      if (problems.length) throw new DomainError('CONTRACT_TERMS_INCOMPLETE', 'The terms cannot be signed yet: amend them first', { details: problems });
      await contracts.markAwaitingSignatures(m, id, this.clock.now());
      await this.audit(m, actor, 'contract.submitted', id, { version: c.version });
      // the enterprise's signature is awaited: its inbox and sockets hear it (once per version)
      await this.notifications.notify(m, {
        organizationId: c.buyerId,
        kind: 'contract_ready_to_sign',
        title: '技术合同待签署',
        body: `技术合同「${c.title}」（第 ${c.version} 版）已提交签署，请贵单位企业管理员审阅后签署。`,
        data: { contractId: id, version: c.version },
        dedupeKey: `contract_ready_to_sign:${id}:${c.version}`,
      });
    });
    return this.get(actor, id);
  }

  /**
   * Signs the version the signer read: by an administrator of the party's organisation (the
   * holder's holder_admin, the enterprise's enterprise_admin). The second signature makes it
   * signed: it takes effect that day, the signed document is rendered and stored with its SHA-256.
   */
  async sign(actor: Principal, id: string, input: { version: number }): Promise<ContractView> {
    const completed = await this.tx.run(async (m) => {
      const c = await loadVisible(m, actor, id, { lock: true });
      const party = partyOf(actor, c);
      if (!party) throw new ForbiddenError('NOT_A_PARTY', 'Only the parties sign their contract');
      const signatory = party === 'seller' ? 'holder_admin' : 'enterprise_admin';
      if (!actor.roles.includes(signatory)) throw new ForbiddenError('NOT_AUTHORISED_SIGNATORY', `Only a ${signatory} of the ${party} signs`);
      this.check(c, 'sign');
      if (input.version !== c.version)
        throw new ConflictError('CONTRACT_VERSION_CONFLICT', `The terms are at version ${c.version}; read them again before signing`, { version: c.version });
      const now = this.clock.now();
      const termsSha256 = sha256(canonicalJson(signedContent(this.buildDocument(c, [], null))));
      const inserted = await contracts.insertSignature(m, {
        contractId: id,
        version: c.version,
        party,
        organizationId: actor.organizationId,
        userId: actor.userId,
        signedAt: now,
        termsSha256,
      });
      if (!inserted) throw new ConflictError('CONTRACT_ALREADY_SIGNED_BY_PARTY', `The ${party} has signed version ${c.version} already`);
      await this.audit(m, actor, 'contract.signature_added', id, { party, version: c.version, termsSha256 });
      const signatures = await this.signatures(m, id, c.version);
      if (signatures.length < 2) return false;

      this.check(c, 'complete_signatures');
      const effective = todayInShanghai(this.clock);
      const trialEndsOn = c.type === 'use_first' && c.terms.useFirst ? periodEndMonths(effective, c.terms.useFirst.trialMonths).toString() : null;
      await contracts.markSigned(m, id, { at: now, tookEffectOn: effective.toString(), termsSha256, trialEndsOn });
      const signed = (await loadContract(m, id))!;
      const pdf = await renderPdf(await this.withParticulars(m, this.buildDocument(signed, signatures, null)), now);
      await contracts.insertSignedDocument(m, id, c.version, sha256(pdf), pdf, now);
      if (c.dealId) await this.deals.markContracted(m, c.dealId);
      await this.audit(m, actor, 'contract.signed', id, {
        version: c.version,
        tookEffectOn: effective.toString(),
        documentSha256: sha256(pdf),
        termsSha256,
        trialEndsOn,
      });
      return true;
    });
    if (completed)
      await this.afterSigning(id).catch((err: unknown) =>
        this.logger.error(`after signing ${id}: ${err instanceof Error ? err.message : String(err)} (the sweep retries)`),
      );
    return this.get(actor, id);
  }

  /**
   * What follows a signature, each step recorded once in the contract row: the auction winner's
   * deposit is captured and applied to the price (a payment under the contract), and the registry
   * hears ContractTookEffect (the achievement leaves the use-first list; a transfer or an exclusive
   * licence closes its listing). Safe to repeat; the sweep calls it for any contract left unfinished.
   */
  async afterSigning(id: string): Promise<void> {
    const c = await loadContract(this.db.manager, id);
    if (!c?.signedAt) return;
    if (!c.depositAppliedAt) {
      if (c.dealId && c.source === 'auction' && BigInt(c.depositFen) > 0n) {
        const depositId = await this.listingFlows.applyWinnerDeposit(c.dealId);
        if (depositId) {
          const deposit = await this.deposits.get(depositId);
          if (deposit.status === 'captured') {
            await this.payments.recordDepositApplied({
              organizationId: c.buyerId,
              payeeOrganizationId: c.sellerId,
              referenceType: 'contract',
              referenceId: id,
              item: 'deposit',
              amountFen: deposit.capturedFen,
              depositId,
            });
          }
        }
      }
      await contracts.markDepositApplied(this.db, id, this.clock.now());
    }
    if (!c.effectRecordedAt) {
      await this.transformations.recordFromContract({
        contractId: id,
        achievementId: c.achievementId,
        ...transformationOf(c.type, c.terms),
        tookEffectOn: c.tookEffectOn!,
      });
      await contracts.markEffectRecorded(this.db, id, this.clock.now());
    }
    await this.reconcile(id);
  }

  // ---- registration, performance, termination -------------------------------------------------

  /** 技术合同认定登记: an administrator records the registration number (unique), date and registry. */
  async register(actor: Principal, id: string, input: { number: string; registeredOn: string; registry: string }): Promise<ContractView> {
    const number = input.number.trim();
    await this.tx
      .run(async (m) => {
        const c = await loadVisible(m, actor, id, { lock: true });
        this.check(c, 'register');
        const on = LocalDate.parse(input.registeredOn);
        const problems = [];
        if (on.isBefore(LocalDate.parse(c.tookEffectOn!)))
          problems.push({ field: 'registeredOn', code: 'beforeSigning', message: 'a contract is registered after it is signed' });
        if (on.isAfter(todayInShanghai(this.clock)))
          problems.push({ field: 'registeredOn', code: 'inFuture', message: 'registeredOn cannot be in the future' });
        if (problems.length) throw new ValidationError(problems);
        const now = this.clock.now();
        await contracts.markRegistered(m, id, { number, registeredOn: input.registeredOn, registry: input.registry.trim(), by: actor.userId, at: now });
        await this.audit(m, actor, 'contract.registered', id, { number, registeredOn: input.registeredOn, registry: input.registry.trim() });
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('REGISTRATION_NUMBER_TAKEN', 'Another contract is registered under this number', { number });
        throw err;
      });
    await this.reconcile(id);
    return this.get(actor, id);
  }

  /**
   * Terminates with a reason (the operator). `buyer_default`, for a contract from a deal that the
   * buyer did not sign in time, also records the deal's default, which forfeits an auction
   * winner's deposit.
   */
  async terminate(actor: Principal, id: string, input: { kind: TerminationKind; reason: string }): Promise<ContractView> {
    const dealToDefault = await this.tx.run(async (m) => {
      const c = await loadVisible(m, actor, id, { lock: true });
      this.check(c, 'terminate');
      if (input.kind === 'buyer_default') {
        if (!c.dealId) throw new ValidationError([{ field: 'kind', code: 'noDeal', message: 'buyer_default ends a contract that came from a deal' }]);
        if (c.signedAt) throw new ConflictError('CONTRACT_ALREADY_SIGNED', 'The buyer signed: this is not a default before signing');
      }
      await this.terminateIn(m, actor, c, input.kind, input.reason);
      return input.kind === 'buyer_default' ? c.dealId : null;
    });
    if (dealToDefault) await this.recordDefault(actor, id, dealToDefault, input.reason);
    return this.get(actor, id);
  }

  /** 先用后转: during the trial the enterprise converts (fees fall due from that day) or declines (the licence ends). */
  async decideConversion(actor: Principal, id: string, decision: 'convert' | 'decline'): Promise<ContractView> {
    await this.tx.run(async (m) => {
      const c = await loadVisible(m, actor, id, { lock: true });
      if (partyOf(actor, c) !== 'buyer' || !actor.roles.includes('enterprise_admin'))
        throw new ForbiddenError('NOT_THE_LICENSEE', "Only the enterprise's administrator decides the conversion");
      if (c.type !== 'use_first') throw new ConflictError('NOT_USE_FIRST', 'Only a use-first contract converts');
      this.check(c, 'convert');
      if (c.convertedOn) throw new ConflictError('USE_FIRST_ALREADY_CONVERTED', `Converted on ${c.convertedOn}`);
      const today = todayInShanghai(this.clock);
      if (c.trialEndsOn && today.isAfter(LocalDate.parse(c.trialEndsOn)))
        throw new ConflictError('USE_FIRST_TRIAL_ENDED', `The trial ended on ${c.trialEndsOn}`);
      if (decision === 'decline') {
        await this.terminateIn(m, actor, c, 'use_first_not_converted', 'the enterprise declined to convert after the trial (先用后转)');
        return;
      }
      await contracts.markConverted(m, id, today.toString(), this.clock.now());
      await this.audit(m, actor, 'contract.use_first_converted', id, { convertedOn: today.toString() });
    });
    await this.reconcile(id);
    return this.get(actor, id);
  }

  /** The licensee reports its sales of one ended royalty period; the royalty is computed (half-up once). */
  async reportRoyalty(actor: Principal, id: string, input: { periodIndex: number; salesFen: bigint }): Promise<ContractView> {
    await this.tx
      .run(async (m) => {
        const c = await loadVisible(m, actor, id, { lock: true });
        if (partyOf(actor, c) !== 'buyer' || !actor.roles.includes('enterprise_admin'))
          throw new ForbiddenError('NOT_THE_LICENSEE', "Only the licensee's administrator reports sales");
        this.check(c, 'report_royalty');
        const royalty = c.terms.fees.find((f) => f.kind === 'royalty');
        if (!royalty || royalty.kind !== 'royalty') throw new ConflictError('NO_ROYALTY', 'This contract has no running royalty');
        const span = royaltyPeriodsOf(c.terms, feeStartOf(c)).find((p) => p.index === input.periodIndex);
        if (!span) throw new ValidationError([{ field: 'periodIndex', code: 'unknownPeriod', message: 'no such royalty period in the licence term' }]);
        if (!span.endsOn.isBefore(todayInShanghai(this.clock)))
          throw new ConflictError('ROYALTY_PERIOD_NOT_ENDED', `The period ends on ${span.endsOn.toString()}`);
        const amount = royaltyAmount(input.salesFen, royalty.rate, royalty.minimumFen ? BigInt(royalty.minimumFen) : 0n);
        await billing.insertRoyaltyReport(m, {
          contractId: id,
          periodIndex: span.index,
          startsOn: span.startsOn.toString(),
          endsOn: span.endsOn.toString(),
          salesFen: input.salesFen,
          royaltyFen: amount,
          reportedBy: actor.userId,
          reportedAt: this.clock.now(),
        });
        await this.audit(m, actor, 'contract.royalty_reported', id, {
          periodIndex: span.index,
          salesFen: input.salesFen.toString(),
          royaltyFen: amount.toString(),
        });
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('ROYALTY_PERIOD_ALREADY_REPORTED', 'This period was reported already');
        throw err;
      });
    await this.reconcile(id);
    return this.get(actor, id);
  }

  /** A milestone was reached (the payer or the operator records it): its fee falls due. */
  async recordMilestone(actor: Principal, id: string, key: string, input: { reachedOn: string }): Promise<ContractView> {
    await this.tx
      .run(async (m) => {
        const c = await loadVisible(m, actor, id, { lock: true });
        if (!actor.roles.includes('platform_admin') && !(partyOf(actor, c) === 'buyer' && actor.roles.includes('enterprise_admin'))) {
          throw new ForbiddenError('NOT_THE_PAYER', "The payer's administrator or the operator records a milestone");
        }
        this.check(c, 'pay');
        const milestone = c.terms.fees.flatMap((f) => (f.kind === 'milestones' ? f.milestones : [])).find((ms) => ms.key === key);
        if (!milestone) throw new NotFoundError('MILESTONE_NOT_FOUND', 'No such milestone in the terms');
        const on = LocalDate.parse(input.reachedOn);
        if (on.isAfter(todayInShanghai(this.clock)))
          throw new ValidationError([{ field: 'reachedOn', code: 'inFuture', message: 'reachedOn cannot be in the future' }]);
        await billing.insertMilestone(m, id, key, input.reachedOn, actor.userId, this.clock.now());
        await this.audit(m, actor, 'contract.milestone_reached', id, { key, reachedOn: input.reachedOn });
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('MILESTONE_ALREADY_RECORDED', 'This milestone was recorded already');
        throw err;
      });
    await this.reconcile(id);
    return this.get(actor, id);
  }

  /** Moves a registered contract into performance and to completion as its payments allow (idempotent). */
  async reconcile(id: string): Promise<void> {
    await this.tx.run(async (m) => {
      const c = await loadContract(m, id, { lock: true });
      if (!c || (c.status !== 'registered' && c.status !== 'in_performance')) return;
      const { summary, actual } = await this.money(m, c);
      const facts = {
        hasFees: c.terms.fees.length > 0,
        paidAnything: actual > 0n,
        settled: summary.settled,
        termEnded: !!c.terms.license && LocalDate.parse(c.terms.license.endsOn).isBefore(todayInShanghai(this.clock)),
      };
      let status: ContractStatus = c.status;
      for (let step = nextPerformanceStep(status, facts); step; step = nextPerformanceStep(status, facts)) {
        const now = this.clock.now();
        await contracts.advancePerformance(m, id, step, now);
        await recordAudit(m, {
          action: `contract.${step}`,
          subjectType: 'contract',
          subjectId: id,
          data: { from: status, actualValueFen: actual.toString() },
          occurredAt: now,
        });
        status = step;
      }
    });
  }

  /**
   * The worker's sweep: deals and approved free licences without a contract get one; signed
   * contracts whose follow-up did not finish get it finished; use-first trials that ended without
   * conversion end the licence; a default whose deal was not yet marked is recorded; performing
   * contracts are reconciled (a zero-fee licence completes when its term ends).
   */
  async sweep(): Promise<Record<string, number>> {
    const counts: Record<string, number> = { fromDeals: 0, fromFreeLicenses: 0, afterSigning: 0, trialsEnded: 0, defaults: 0, reconciled: 0 };
    for (const dealId of await contracts.dealsWithoutContract(this.db)) if ((await this.createFromDeal(dealId))?.created) counts.fromDeals++;
    for (const applicationId of await contracts.freeLicensesWithoutContract(this.db))
      if ((await this.createFromFreeLicense(applicationId)).created) counts.fromFreeLicenses++;
    for (const id of await contracts.signedUnfinished(this.db)) {
      try {
        await this.afterSigning(id);
        counts.afterSigning++;
      } catch (err) {
        this.logger.error(`after signing ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const today = todayInShanghai(this.clock);
    for (const trialId of await contracts.trialsEndedBefore(this.db, today.toString())) {
      await this.tx.run(async (m) => {
        const c = (await loadContract(m, trialId, { lock: true }))!;
        if (c.convertedOn || !transition(c.status, 'terminate').ok) return;
        await this.terminateIn(m, null, c, 'use_first_not_converted', `the trial ended on ${c.trialEndsOn} without conversion (先用后转)`);
        counts.trialsEnded++;
      });
    }
    for (const d of await contracts.unrecordedDefaults(this.db)) {
      await this.recordDefault(null, d.id, d.deal_id, d.termination_reason);
      counts.defaults++;
    }
    for (const performingId of await contracts.performingContracts(this.db)) {
      await this.reconcile(performingId);
      counts.reconciled++;
    }
    return counts;
  }

  // ---- reads --------------------------------------------------------------------------------

  async get(actor: Principal, id: string): Promise<ContractView> {
    if (!isUuid(id)) throw new NotFoundError('CONTRACT_NOT_FOUND', 'No such contract');
    const m = this.db.manager;
    const c = await loadVisible(m, actor, id);
    const { summary, actual } = await this.money(m, c);
    const all = await commissions.commissionsOf(m, id);
    const own = isContractAdministrator(actor) ? all : all.filter((x) => x.principalOrganizationId === actor.organizationId);
    return toContractView(c, await this.signatures(m, id), toMoneyView(c, summary, actual), await contracts.signedDocumentSha256(m, id), own);
  }

  async list(
    actor: Principal,
    filter: { status?: string; role?: 'seller' | 'buyer'; limit: number; offset: number; sort?: 'createdAt' | 'title'; order?: 'asc' | 'desc' },
  ): Promise<PageOf<ContractListItem>> {
    const page = { limit: filter.limit, offset: filter.offset };
    const sorted = { ...page, sort: filter.sort, order: filter.order };
    const { items, total } = isContractAdministrator(actor)
      ? // the operator all; an authority those with a party in its region
        await contracts.listContracts(this.db, { administrator: true, oversight: await oversightOf(this.db, actor) }, filter.status, sorted)
      : await contracts.listContracts(this.db, { administrator: false, organizationId: actor.organizationId, role: filter.role }, filter.status, sorted);
    return { items, total, ...page };
  }

  /** The contract as a document: JSON, or a PDF (the stored signed one when `signed`, otherwise rendered now). */
  async document(actor: Principal, id: string): Promise<ContractDocument> {
    const m = this.db.manager;
    const c = await loadVisible(m, actor, id);
    return this.withParticulars(m, this.document_(c, await this.signatures(m, id, c.version)));
  }

  async pdf(actor: Principal, id: string, which: 'current' | 'signed'): Promise<{ pdf: Buffer; sha256: string; version: number }> {
    const m = this.db.manager;
    const c = await loadVisible(m, actor, id);
    if (which === 'signed') {
      const signed = await contracts.signedDocument(m, id);
      if (!signed) throw new NotFoundError('SIGNED_DOCUMENT_NOT_FOUND', 'The contract is not signed yet');
      return signed;
    }
    const pdf = await renderPdf(await this.withParticulars(m, this.document_(c, await this.signatures(m, id, c.version))), c.updatedAt);
    return { pdf, sha256: sha256(pdf), version: c.version };
  }

  /** Whether the stored signed document and the signed terms are still what was recorded at signing. */
  async verify(
    actor: Principal,
    id: string,
  ): Promise<{ signed: boolean; documentSha256: string | null; documentIntact: boolean | null; termsSha256: string | null; termsIntact: boolean | null }> {
    const m = this.db.manager;
    const c = await loadVisible(m, actor, id);
    const doc = await contracts.signedDocument(m, id);
    if (!doc || !c.signedTermsSha256) return { signed: false, documentSha256: null, documentIntact: null, termsSha256: null, termsIntact: null };
    const sigs = await this.signatures(m, id, doc.version);
    const recomputed = sha256(canonicalJson(signedContent(this.document_(c, sigs))));
    return {
      signed: true,
      documentSha256: doc.sha256,
      documentIntact: sha256(doc.pdf) === doc.sha256,
      termsSha256: c.signedTermsSha256,
      termsIntact: recomputed === c.signedTermsSha256 && sigs.every((s) => s.termsSha256 === recomputed),
    };
  }

  /** Money under the contract, derived: the fee schedule, what was paid (net of refunds) and 实际成交额. */
  async money(m: Tx, c: ContractRow): Promise<{ summary: ScheduleSummary; actual: bigint }> {
    const { payments, refunds } = await this.payments.movementStatuses(m, 'contract', c.id);
    const actual = actualValue(payments, refunds);
    const reports = await billing.royaltyReportsOf(m, c.id);
    const milestones = await billing.milestonesOf(m, c.id);
    const summary = summarise(
      c.terms,
      {
        feeStartOn: feeStartOf(c),
        milestonesReached: Object.fromEntries(milestones.map((x) => [x.key, LocalDate.parse(x.reachedOn)])),
        royaltyReports: reports,
      },
      actual,
      todayInShanghai(this.clock),
    );
    return { summary, actual };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private document_(c: ContractRow, signatures: SignatureView[]): ContractDocument {
    return this.buildDocument(
      c,
      signatures,
      c.registrationNumber ? { number: c.registrationNumber, registeredOn: c.registeredOn!, registry: c.registry! } : null,
    );
  }

  private buildDocument(c: ContractRow, signatures: SignatureView[], registration: ContractDocument['registration']): ContractDocument {
    return {
      contractId: c.id,
      contractNumber: c.contractNumber,
      type: c.type,
      title: c.title,
      version: c.version,
      achievement: { id: c.achievementId, title: c.achievementTitle },
      seller: { id: c.sellerId, name: c.sellerName },
      buyer: { id: c.buyerId, name: c.buyerName },
      priceFen: c.priceFen,
      depositFen: c.depositFen,
      terms: c.terms,
      signatures: signatures.map((s) => ({
        party: s.party,
        organizationName: s.party === 'seller' ? c.sellerName : c.buyerName,
        signerName: s.signerName,
        signedAt: s.signedAt.toISOString(),
      })),
      registration,
      particulars: null,
    };
  }

  /** The document with the parties' registration details and the achievement's IP rights (printed, not signed). */
  private async withParticulars(m: Tx, doc: ContractDocument): Promise<ContractDocument> {
    const parties = await contracts.partyDetails(m, [doc.seller.id, doc.buyer.id]);
    const details = (id: string) => {
      const d = parties.get(id)!;
      return { ...d, regionName: regionName(d.regionCode) ?? null };
    };
    return {
      ...doc,
      particulars: {
        seller: details(doc.seller.id),
        buyer: details(doc.buyer.id),
        achievement: await this.achievements.rightsForDocument(m, doc.achievement.id),
      },
    };
  }

  private signatures(m: Tx, id: string, version?: number): Promise<SignatureView[]> {
    return contracts.signaturesOf(m, id, version);
  }

  /** A party's administrator (or the operator) acting on the terms. */
  private async actingParty(m: Tx, actor: Principal, id: string): Promise<ContractRow> {
    const c = await loadVisible(m, actor, id, { lock: true });
    const party = partyOf(actor, c);
    const admin = party === 'seller' ? 'holder_admin' : party === 'buyer' ? 'enterprise_admin' : null;
    if (!actor.roles.includes('platform_admin') && !(admin && actor.roles.includes(admin)))
      throw new ForbiddenError('NOT_AUTHORISED_SIGNATORY', "Only the parties' administrators negotiate the terms");
    return c;
  }

  private check(c: ContractRow, action: ContractAction): void {
    const r = transition(c.status, action);
    if (!r.ok) throw new ConflictError(r.code, r.message, { status: c.status, action });
  }

  private parseTerms(type: ContractType, raw: unknown): ContractTerms {
    const shape = checkTermsShape(raw);
    if (shape.length) throw new ValidationError(shape);
    const terms = raw as ContractTerms;
    const problems = validateTerms(type, terms);
    if (problems.length) throw new ValidationError(problems);
    return terms;
  }

  private async terminateIn(m: Tx, actor: Principal | null, c: ContractRow, kind: string, reason: string): Promise<void> {
    const now = this.clock.now();
    await contracts.markTerminated(m, c.id, { at: now, kind, reason, by: actor?.userId ?? null });
    await this.audit(m, actor, 'contract.terminated', c.id, { from: c.status, kind }, reason);
  }

  private async recordDefault(actor: Principal | null, contractId: string, dealId: string, reason: string): Promise<void> {
    try {
      await this.listingFlows.defaultDeal(actor ?? ({ userId: null, organizationId: null } as unknown as Principal), dealId, reason);
    } catch (err) {
      // Already defaulted (a retry): the default is recorded; anything else is retried by the sweep.
      if (!(err instanceof ConflictError && err.code === 'DEAL_NOT_AWAITING_CONTRACT')) throw err;
    }
    await contracts.markDefaultRecorded(this.db, contractId, this.clock.now());
  }

  private async transferObjectOf(m: Tx, achievementId: string): Promise<TransferObject> {
    const rights = await this.achievements.validRights(m, achievementId);
    const patents = rights.filter((r) => r.type.endsWith('_patent') || r.type === 'utility_model');
    if (patents.some((r) => r.granted)) return 'patent_right';
    if (patents.length) return 'patent_application_right';
    if (rights.some((r) => r.type === 'technical_secret')) return 'technical_secret';
    return 'patent_right';
  }

  private async insert(
    m: Tx,
    x: {
      type: ContractType;
      terms: ContractTerms;
      source: ContractRow['source'];
      dealId: string | null;
      applicationId: string | null;
      achievementId: string;
      sellerId: string;
      buyerId: string;
      title: string;
      priceFen: string;
      depositFen: string;
      actor: Principal | null;
    },
  ): Promise<string | null> {
    const id = newId(this.clock);
    const now = this.clock.now();
    const createdBy = x.actor?.userId ?? null;
    const contract = { ...x, id, title: x.title.slice(0, 300), createdBy, createdAt: now };
    if (!(await contracts.insertContract(m, contract))) return null;
    await contracts.insertVersion(m, id, 1, x.terms, 'first draft', createdBy, now);
    return id;
  }

  private audit(m: Tx, actor: Principal | null, action: string, contractId: string, data: Record<string, unknown>, reason?: string): Promise<void> {
    return recordAudit(m, {
      actorUserId: actor?.userId ?? null,
      actorOrganizationId: actor?.organizationId ?? null,
      action,
      subjectType: 'contract',
      subjectId: contractId,
      reason,
      data,
      occurredAt: this.clock.now(),
    });
  }
}
