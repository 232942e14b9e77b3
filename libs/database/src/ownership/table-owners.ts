/**
 * Which bounded context owns each table: the only one whose code may name it in SQL. Other
 * contexts reach its data through the owner's exported services, read models and events.
 * `database` holds the cross-cutting tables every context writes in its own transactions
 * (the audit log, the outbox) through `recordAudit` and `Outbox`.
 */
export const TABLE_OWNERS = {
  identity: ['organizations', 'users', 'sessions', 'refresh_tokens', 'notifications'],
  achievements: ['achievements', 'ip_rights', 'transformations', 'justifications', 'rule_events', 'free_license_applications', 'registry_imports'],
  market: [
    'listings',
    'listing_intents',
    'auction_sessions',
    'lots',
    'lot_registrations',
    'bids',
    'deals',
    'calendar_years',
    'calendar_days',
    'auction_session_results',
  ],
  payments: ['deposits', 'stripe_events', 'ledger_entries', 'payments', 'refunds', 'payouts'],
  contracts: [
    'contracts',
    'contract_versions',
    'contract_signatures',
    'contract_documents',
    'contract_royalty_reports',
    'contract_milestones',
    'contract_commissions',
    'contract_number_counters',
  ],
  brokerage: ['mandates', 'mandate_actions'],
  subsidies: [
    'subsidy_policies',
    'subsidy_policy_versions',
    'high_tech_certificates',
    'research_fundings',
    'subsidy_candidates',
    'subsidy_candidate_runs',
    'subsidy_batches',
    'subsidy_applications',
  ],
  reporting: ['reporting_daily_facts', 'reporting_daily_sessions', 'reporting_refresh_state', 'reporting_activity_index', 'reporting_periodic_reports'],
  database: ['audit_log', 'outbox_events', 'migrations'],
} as const;

export type OwningContext = keyof typeof TABLE_OWNERS;

export function ownerOf(table: string): OwningContext | undefined {
  return (Object.keys(TABLE_OWNERS) as OwningContext[]).find((c) => (TABLE_OWNERS[c] as readonly string[]).includes(table));
}

/**
 * Views a context publishes for the others to read (migration 1764000013000): joining these is
 * allowed anywhere; the tables behind them only in their owner. A new one gets a migration and a
 * line here.
 */
export const PUBLISHED_READ_MODELS = {
  identity: ['organization_directory', 'user_directory'],
  achievements: [
    'achievement_directory',
    'free_license_directory',
    'achievement_standing',
    'transformation_directory',
    'justification_directory',
    'achievement_pricing_facts',
  ],
  market: [
    'deal_directory',
    'listing_directory',
    'lot_directory',
    'auction_session_directory',
    'listing_activity_directory',
    'lot_result_directory',
    'lot_registration_directory',
    'bid_directory',
    'deal_activity_directory',
  ],
  payments: ['payment_reference_prints', 'contract_payment_directory'],
  contracts: ['contract_directory', 'commission_directory', 'contract_schedule_directory', 'contract_registration_directory'],
  subsidies: ['subsidy_grant_directory'],
  brokerage: ['brokered_achievements'],
} as const;
