import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** An administrator's decision on a justification, a declared transformation or a free-licence application. */
export class DecisionDto {
  @ApiProperty({ example: '材料齐全，理由成立' }) @IsString() @Length(1, 2000) reason!: string;
}
