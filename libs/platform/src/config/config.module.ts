import { DynamicModule, Global, Module } from '@nestjs/common';
import { SystemClock, CLOCK } from '@zjp/core';
import { APP_CONFIG, AppConfig } from './app-config';

/** Provides the validated AppConfig and the Clock to every module. */
@Global()
@Module({})
export class PlatformConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useClass: SystemClock },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
