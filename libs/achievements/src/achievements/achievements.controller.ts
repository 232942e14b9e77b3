import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { InjectRepository } from '@nestjs/typeorm';
import { Authenticated } from '@zjp/platform';
import { Repository } from 'typeorm';
import { Achievement, TECHNICAL_FIELDS, type TechnicalField } from './achievement.entity';

export class AchievementSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: TECHNICAL_FIELDS }) technicalField!: TechnicalField;
  @ApiProperty({ enum: ['applied', 'basic'] }) kind!: string;
  @ApiProperty({ example: '2025-03-01' }) obtainedOn!: string;
  @ApiProperty({ type: [String] }) keywords!: string[];
  @ApiPropertyOptional({ nullable: true, description: 'asking price in fen, as a string', type: String }) askingPriceFen!: string | null;

  static from(a: Achievement): AchievementSummaryDto {
    return {
      id: a.id,
      holderId: a.holderId,
      title: a.title,
      technicalField: a.technicalField,
      kind: a.kind,
      obtainedOn: a.obtainedOn,
      keywords: a.keywords,
      askingPriceFen: a.askingPriceFen === null ? null : a.askingPriceFen.toString(),
    };
  }
}

export class PageQuery {
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset = 0;
}

/** The first cut of the catalogue: newest first. Search, filters and the registry come with issue 3. */
@ApiTags('achievements')
@ApiBearerAuth()
@Controller('achievements')
export class AchievementsController {
  constructor(@InjectRepository(Achievement) private readonly achievements: Repository<Achievement>) {}

  @Authenticated()
  @Get()
  async list(@Query() query: PageQuery): Promise<{ items: AchievementSummaryDto[]; total: number }> {
    const [items, total] = await this.achievements.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, take: query.limit, skip: query.offset });
    return { items: items.map(AchievementSummaryDto.from), total };
  }
}
