import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Achievement } from './achievements/achievement.entity';
import { AchievementsController } from './achievements/achievements.controller';

@Module({ imports: [TypeOrmModule.forFeature([Achievement])], controllers: [AchievementsController] })
export class AchievementsApiModule {}
