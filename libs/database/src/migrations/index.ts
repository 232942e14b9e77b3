import { CreateIdentity1764000000000 } from './1764000000000-create-identity';
import { CreateAchievements1764000001000 } from './1764000001000-create-achievements';

/** Every migration, in order. Listed explicitly so builds and tests never depend on globbing. */
export const MIGRATIONS = [CreateIdentity1764000000000, CreateAchievements1764000001000];
