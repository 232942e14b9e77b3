import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, RateLimitModule } from '@zjp/platform';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { PasswordHasher } from './auth/password-hasher';
import { TokenService } from './auth/token.service';
import { Organization } from './organizations/organization.entity';
import { OrganizationsController } from './organizations/organizations.controller';
import { OrganizationsService } from './organizations/organizations.service';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsModule } from './notifications/notifications.module';
import { User } from './users/user.entity';
import { UsersService } from './users/users.service';

// The secret as a KeyObject made once: given a string, jsonwebtoken first tries to parse it as a
// public key on every verify (and fails, throwing), ≈ 0.7 ms per token — 7% of an API process's
// CPU while 5,000 watchers connect in bench:bidding.
const jwt = JwtModule.registerAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')), signOptions: { algorithm: 'HS256' } }),
});

/** Services only: for the worker and command-line tools. */
@Module({
  imports: [TypeOrmModule.forFeature([Organization, User]), jwt, NotificationsModule],
  providers: [OrganizationsService, UsersService, AuthService, PasswordHasher, TokenService],
  exports: [OrganizationsService, UsersService, AuthService, TokenService, NotificationsModule],
})
export class IdentityModule {}

/** The HTTP surface and the default-deny guard, for the API process. */
@Module({
  imports: [IdentityModule, RateLimitModule],
  controllers: [AuthController, OrganizationsController, NotificationsController],
  exports: [IdentityModule],
  providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
})
export class IdentityApiModule {}
