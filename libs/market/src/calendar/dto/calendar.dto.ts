import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsLocalDate } from '@zjp/platform';

export class CalendarDayDto {
  @ApiProperty({ example: '2027-02-06' }) @IsLocalDate() date!: string;
  @ApiProperty({ enum: ['holiday', 'workday'], description: 'holiday (放假) or a make-up working day on a weekend (调休上班)' })
  @IsIn(['holiday', 'workday'])
  kind!: 'holiday' | 'workday';
  @ApiProperty({ example: '春节' }) @IsString() @Length(1, 50) name!: string;
}

/** A year's schedule as the State Council announced it: every holiday and every make-up working day. */
export class LoadCalendarYearDto {
  @ApiProperty({ example: '国办发明电〔2026〕7号', description: 'where the schedule comes from' }) @IsString() @Length(1, 200) source!: string;
  @ApiProperty({ type: [CalendarDayDto] })
  @IsArray()
  @ArrayMaxSize(120)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CalendarDayDto)
  days!: CalendarDayDto[];
}

export class CalendarYearDto {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: 'chinese-days 1.5.7 (国务院办公厅节假日安排)' }) source!: string;
  @ApiProperty() loadedAt!: string;
  @ApiPropertyOptional({ nullable: true, description: 'the administrator who loaded it; null when seeded' }) loadedBy!: string | null;
  @ApiProperty({ example: 33 }) holidays!: number;
  @ApiProperty({ example: 6 }) workdays!: number;
}

export class CalendarYearsDto {
  @ApiProperty({ type: [CalendarYearDto] }) years!: CalendarYearDto[];
  @ApiProperty({
    type: [Number],
    example: [2027],
    description: 'this year or next year (Asia/Shanghai) with no schedule loaded: notices reaching into them are counted Monday–Friday and marked provisional',
  })
  missingYears!: number[];
}

export class CalendarYearDetailDto extends CalendarYearDto {
  @ApiProperty({ type: [CalendarDayDto] }) days!: CalendarDayDto[];
}

export class LoadedCalendarYearDto {
  @ApiProperty() year!: number;
  @ApiProperty() holidays!: number;
  @ApiProperty() workdays!: number;
  @ApiProperty({ description: 'open fixed-price listings whose provisional notice end was recounted with the loaded schedule' }) recountedListings!: number;
}
