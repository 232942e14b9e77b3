// The identity context's public surface: what the apps, the other contexts and the tests use.
export { IdentityApiModule, IdentityModule } from './identity.module';
export { OrganizationsService } from './organizations/organizations.service';
export { CreateOrganizationDto } from './organizations/dto/create-organization.dto';
export { UsersService } from './users/users.service';
export { CreateUserDto } from './users/dto/create-user.dto';
export { AuthService } from './auth/auth.service';
export { TokenService } from './auth/token.service';
export { isKnownRegion, regionName } from './domain/regions';
export { NotificationsService } from './notifications/notifications.service';
export { NotificationsModule } from './notifications/notifications.module';
export type { NewNotification } from './notifications/notifications.repository';
export { NotificationView, NOTIFICATION_KINDS } from './notifications/dto/notifications.dto';
export { NotificationsStored } from './notifications/notifications.events';
export { beijingTime, yuanText } from './notifications/notice-text';
