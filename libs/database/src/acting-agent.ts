import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A broker acting for a principal under a mandate (README "Technology brokers"): set once per
 * request by the access guard when the mandate allows the operation, read by `recordAudit` (every
 * entry written while the broker acts names it) and by the brokerage context (the action is
 * recorded on the mandate).
 */
export interface ActingAgent {
  brokerOrganizationId: string;
  brokerUserId: string;
  principalOrganizationId: string;
  mandateId: string;
  action: 'list' | 'register_and_bid' | 'negotiate';
  /** e.g. `POST /lots/:id/registrations` */
  operation: string;
  resourceType: 'lot' | 'listing' | 'achievement';
  resourceId: string;
  achievementId: string | null;
}

interface RequestScope {
  agent?: ActingAgent;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs one request (the API's middleware) with a scope of its own. */
export function runInRequestScope<T>(work: () => T): T {
  return scope.run({}, work);
}

export function setActingAgent(agent: ActingAgent): void {
  const store = scope.getStore();
  // without a request scope the agent could not be named in the audit log: refuse rather than lose it
  if (!store) throw new Error('acting for another organisation needs a request scope (runInRequestScope)');
  store.agent = agent;
}

export function actingAgent(): ActingAgent | undefined {
  return scope.getStore()?.agent;
}
