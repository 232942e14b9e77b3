import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { actingAgent, setActingAgent } from '@zjp/database';
import type { ActingForResolver, ActsForRule, Principal } from '@zjp/platform';
import { concatMap, type Observable } from 'rxjs';
import { MandatesService } from './mandates.service';

/** The access guard's hook (ACTING_FOR_RESOLVER): the mandate check, and the agent named for the rest of the request. */
@Injectable()
export class MandateActingForResolver implements ActingForResolver {
  constructor(private readonly mandates: MandatesService) {}

  async resolve(broker: Principal, principalOrganizationId: string, request: { rule: ActsForRule | undefined; resourceId: unknown; operation: string }) {
    const { principal, agent } = await this.mandates.resolve(broker, principalOrganizationId, request);
    setActingAgent(agent);
    return principal;
  }
}

/** Once an operation done for a principal succeeded, it is recorded on the mandate (the principal's list of the broker's actions). */
@Injectable()
export class MandateActionsInterceptor implements NestInterceptor {
  constructor(private readonly mandates: MandatesService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const method = context.getType() === 'http' ? context.switchToHttp().getRequest<{ method: string }>().method : 'GET';
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        const agent = actingAgent();
        // reads done for the principal (its registration) change nothing: not actions
        if (agent && method !== 'GET') await this.mandates.recordAction(agent);
        return value;
      }),
    );
  }
}
