import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ACTING_FOR_RESOLVER } from '@zjp/platform';
import { BrokerDeskController } from './desk/broker-desk.controller';
import { MandateActingForResolver, MandateActionsInterceptor } from './mandates/acting-for.resolver';
import { MandatesController } from './mandates/mandates.controller';
import { MandatesService } from './mandates/mandates.service';

/** Services only. */
@Module({ providers: [MandatesService], exports: [MandatesService] })
export class BrokerageModule {}

/**
 * The HTTP surface, for the API process. Global so that the access guard (identity) finds the
 * acting-for resolver; the interceptor records each action done under a mandate.
 */
@Global()
@Module({
  imports: [BrokerageModule],
  controllers: [MandatesController, BrokerDeskController],
  providers: [
    { provide: ACTING_FOR_RESOLVER, useClass: MandateActingForResolver },
    { provide: APP_INTERCEPTOR, useClass: MandateActionsInterceptor },
  ],
  exports: [ACTING_FOR_RESOLVER],
})
export class BrokerageApiModule {}
