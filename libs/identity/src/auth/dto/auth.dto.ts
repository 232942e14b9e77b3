import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { UserDto } from '../../users/dto/user.dto';

export class LoginDto {
  @ApiProperty({ example: 'admin@zjp.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Demo-2026!' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'single use: each refresh returns a new one' }) refreshToken!: string;
  @ApiProperty({ type: () => UserDto }) user!: UserDto;
}
