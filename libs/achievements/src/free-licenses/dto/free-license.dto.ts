import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ApplyFreeLicenseDto {
  @ApiProperty({ example: '我司为柯桥区纺织企业，具备实施条件，拟用于新产品开发' }) @IsString() @Length(1, 4000) statement!: string;
}

export interface FreeLicenseApplicationView {
  id: string;
  achievementId: string;
  achievementTitle: string;
  holderId: string;
  enterpriseId: string;
  statement: string;
  status: string;
  appliedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}
