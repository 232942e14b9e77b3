import { queries, type Queryable } from '@zjp/database';
import type { ContractType } from '../domain';

/** Contracts as the subsidy facts read them, from the contracts context's published contract_directory. */
const SQL = queries(__filename, {
  selectMany: `
    SELECT c.id, c.type, c.status, c.seller_id, c.buyer_id, to_char(c.took_effect_on, 'YYYY-MM-DD') AS signed_on,
           c.registration_number, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on, c.deal_id IS NOT NULL AS through_platform,
           c.price_fen::text AS price, c.terms, a.technical_field
      FROM contract_directory c JOIN achievement_directory a ON a.id = c.achievement_id WHERE c.id = ANY($1::uuid[])`,
});

export interface ContractRow<Terms> {
  id: string;
  type: ContractType;
  status: string;
  seller_id: string;
  buyer_id: string;
  signed_on: string | null;
  registration_number: string | null;
  registered_on: string | null;
  through_platform: boolean;
  price: string;
  terms: Terms;
  technical_field: string | null;
}

/** The contracts with these ids, with their achievement's technical field (missing ones are absent). */
export async function selectContracts<Terms>(m: Queryable, ids: readonly string[]): Promise<ContractRow<Terms>[]> {
  return (await m.query(SQL.selectMany, [ids])) as ContractRow<Terms>[];
}
