import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, ConflictError, ForbiddenError, NotFoundError } from '@zjp/core';
import { type Queryable, recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import type { HolderListingPageDto, ListingView } from './dto/listing.dto';
import { listingsOfHolder, listingView, listListings, lockListing, setListingPrice, withdrawListing } from './listings.repository';

/**
 * Listings on the market: the forced fixed-price listings that P-2Y opens (the idle scan, through
 * forced-listings.repository.ts), and those a holder makes (listing-flows).
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: { achievementId?: string; limit: number; offset: number }): Promise<PageOf<ListingView>> {
    const { items, total } = await listListings(this.db, query.achievementId ?? null, query.limit, query.offset);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** The holder's desk: its own listings, every status, with intents, bidders and the deal. */
  async ofHolder(actor: Principal, holderId: string, query: { status?: string; limit: number; offset: number }): Promise<HolderListingPageDto> {
    if (!actor.roles.includes('platform_admin') && actor.organizationId !== holderId)
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the holder reads its listings' desk");
    const { items, total } = await listingsOfHolder(this.db, holderId, query.status ?? null, query.limit, query.offset);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<ListingView> {
    const listing = await listingView(this.db, id);
    if (!listing) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    return listing;
  }

  /** The holder sets the price of a forced listing flagged "price to be set". */
  async setPrice(actor: Principal, id: string, priceFen: bigint): Promise<ListingView> {
    return this.tx.run(async (m) => {
      const l = await this.lock(m, id);
      if (!(actor.organizationId === l.holderId && actor.roles.includes('holder_admin')) && !actor.roles.includes('platform_admin')) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the holder's administrator sets this price");
      }
      if (l.status !== 'active') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      await setListingPrice(m, id, priceFen);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'listing.price_set',
        subjectType: 'listing',
        subjectId: id,
        data: { priceFen: priceFen.toString() },
        occurredAt: this.clock.now(),
      });
      return (await listingView(m, id))!;
    });
  }

  /** A forced listing (P-2Y) can be withdrawn only by the operator; an ordinary one by its holder too. */
  async withdraw(actor: Principal, id: string, reason: string): Promise<ListingView> {
    return this.tx.run(async (m) => {
      const l = await this.lock(m, id);
      const isOperator = actor.roles.includes('platform_admin');
      if (l.forced && !isOperator) throw new ForbiddenError('FORCED_LISTING', 'A listing forced by P-2Y can only be withdrawn by an administrator');
      if (!isOperator && !(actor.organizationId === l.holderId && actor.roles.includes('holder_admin')))
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Not your listing');
      if (l.status === 'withdrawn' || l.status === 'closed') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      await withdrawListing(m, id, reason);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'listing.withdrawn',
        subjectType: 'listing',
        subjectId: id,
        reason,
        occurredAt: this.clock.now(),
      });
      return (await listingView(m, id))!;
    });
  }

  private async lock(m: Queryable, id: string): Promise<{ holderId: string; forced: boolean; status: string }> {
    const l = await lockListing(m, id);
    if (!l) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    return l;
  }
}
