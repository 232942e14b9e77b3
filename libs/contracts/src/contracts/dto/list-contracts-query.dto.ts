import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';
import { CONTRACT_STATUSES } from '../../domain';

export class ListContractsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES }) @Omittable() @IsIn(CONTRACT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['seller', 'buyer'] }) @Omittable() @IsIn(['seller', 'buyer']) role?: 'seller' | 'buyer';
}
