import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';
import { CONTRACT_STATUSES } from '../../domain';

export class ListContractsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES }) @Omittable() @IsIn(CONTRACT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['seller', 'buyer'] }) @Omittable() @IsIn(['seller', 'buyer']) role?: 'seller' | 'buyer';
  @ApiPropertyOptional({ enum: ['createdAt', 'title'], default: 'createdAt' }) @Omittable() @IsIn(['createdAt', 'title']) sort?: 'createdAt' | 'title';
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' }) @Omittable() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}
