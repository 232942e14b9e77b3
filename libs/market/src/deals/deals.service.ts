import { Injectable } from '@nestjs/common';
import type { Queryable } from '@zjp/database';
import { lockDealForContract, markContracted, type DealForContract } from './deals.repository';

/**
 * What the contracts context may read and change of a deal. Each method runs in the caller's
 * transaction (`m`), so a contract's draft or signature and the deal's status commit together.
 * For set-wise reads joined with its own tables (its sweep), contracts reads the published
 * `deal_directory` view instead.
 */
@Injectable()
export class DealsService {
  /** The deal as a contract draft needs it (with its listing's forced / rule_clause), share-locked; null for an unknown deal. */
  findForContract(m: Queryable, dealId: string): Promise<DealForContract | null> {
    return lockDealForContract(m, dealId);
  }

  /** The contract was signed: awaiting_contract → contracted (no-op, false, for a deal in any other status). */
  markContracted(m: Queryable, dealId: string): Promise<boolean> {
    return markContracted(m, dealId);
  }
}
