import { ApiProperty } from '@nestjs/swagger';
import { SESSION_THEMES as THEMES } from './create-session.dto';

export class SessionSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: THEMES }) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'] }) runMode!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty() lotCount!: number;
}

export class SessionLotDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed', 'cancelled'], description: 'as stored (GET /lots/:id gives the effective state)' }) status!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiProperty() bidCount!: number;
}

/** GET /auction-sessions/:id: a session and its lots. */
export class SessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: THEMES }) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'] }) runMode!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ type: [SessionLotDto] }) lots!: SessionLotDto[];
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionSummaryDto] }) items!: SessionSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
