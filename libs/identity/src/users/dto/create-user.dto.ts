import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@zjp/platform';

export class CreateUserDto {
  @ApiProperty({ example: 'buyer@example.cn' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @Length(1, 100)
  displayName!: string;

  @ApiProperty({ description: 'at least 10 characters with a letter and a digit' })
  @IsString()
  @Length(10, 200)
  @Matches(/(?=.*[A-Za-z])(?=.*\d)/, { message: 'password must contain a letter and a digit' })
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}
