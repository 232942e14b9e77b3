import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@zjp/platform';
import type { User } from '../user.entity';

/** What the API says about a user: never the password hash. */
export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      organizationId: user.organizationId,
      email: user.email,
      displayName: user.displayName,
      roles: [...user.roles],
      active: user.active,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
