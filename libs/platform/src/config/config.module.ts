import { DynamicModule, Global, Module } from '@nestjs/common';
import { SystemClock, CLOCK, TravelClock } from '@zjp/core';
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
        // Tests may move the running platform to another day; production reads the system clock.
        { provide: CLOCK, useValue: config.NODE_ENV === 'test' ? new TravelClock() : new SystemClock() },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
