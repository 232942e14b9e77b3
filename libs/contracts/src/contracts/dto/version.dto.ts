import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';

export class VersionDto {
  @ApiProperty({ description: 'the version of the terms being submitted or signed' }) @IsInt() @Min(1) version!: number;
}
