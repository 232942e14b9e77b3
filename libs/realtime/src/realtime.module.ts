import { Global, Module } from '@nestjs/common';
import { LiveFeedHub } from './live-feed-hub';
import { RealtimePublisher } from './realtime-publisher';

@Global()
@Module({ providers: [RealtimePublisher, LiveFeedHub], exports: [RealtimePublisher, LiveFeedHub] })
export class RealtimeModule {}
