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

/** A free-licence application (P-3Y) as the lists and decisions give it. */
export class FreeLicenseApplicationDto implements FreeLicenseApplicationView {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty() achievementTitle!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() statement!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) appliedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionReason!: string | null;
}

export class FreeLicenseApplicationPageDto {
  @ApiProperty({ type: [FreeLicenseApplicationDto] }) items!: FreeLicenseApplicationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
