import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable } from '@zjp/platform';
import { CONTRACT_STATUSES } from '../../domain';

export class ListContractsQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES }) @Omittable() @IsIn(CONTRACT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['seller', 'buyer'] }) @Omittable() @IsIn(['seller', 'buyer']) role?: 'seller' | 'buyer';
}
