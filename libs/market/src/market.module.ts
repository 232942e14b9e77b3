import { Module } from '@nestjs/common';
import { ListingsController, ListingsService } from './listings/listings';

@Module({ providers: [ListingsService], exports: [ListingsService] })
export class MarketModule {}

@Module({ imports: [MarketModule], controllers: [ListingsController] })
export class MarketApiModule {}
