import { Module } from '@nestjs/common';
import { NotificationsService } from './notifications.service';

/** The inboxes alone (no sign-in machinery): for the contexts that send notices. */
@Module({ providers: [NotificationsService], exports: [NotificationsService] })
export class NotificationsModule {}
