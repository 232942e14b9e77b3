import { Module } from '@nestjs/common';
import { RankingsController } from './rankings.controller';
import { RankingsService } from './rankings.service';

/** P-MKT holder rankings (高校院所排序), public. */
@Module({ controllers: [RankingsController], providers: [RankingsService] })
export class ReportingRankingsModule {}
