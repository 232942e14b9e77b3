import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsString, Length, Min } from 'class-validator';
import { Omittable } from '@zjp/platform';

export class AmendTermsDto {
  @ApiProperty({ description: 'the version the terms were read at (optimistic concurrency)' }) @IsInt() @Min(1) expectedVersion!: number;
  @ApiProperty() @IsObject() terms!: Record<string, unknown>;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 2000) note?: string;
}
