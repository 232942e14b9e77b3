import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable } from '@zjp/platform';

export class DocumentQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'] }) @Omittable() @IsIn(['json', 'pdf']) format?: 'json' | 'pdf';
  @ApiPropertyOptional({ description: 'pdf: the document stored at signing rather than one rendered now' })
  @Omittable()
  @IsIn(['true', 'false'])
  signed?: string;
}
