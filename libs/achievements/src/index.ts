export * from './achievements.module';
export * from './achievements/achievement.entity';
