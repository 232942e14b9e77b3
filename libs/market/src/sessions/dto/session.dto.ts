import { ApiProperty } from '@nestjs/swagger';
import { SESSION_THEMES as THEMES } from './create-session.dto';

export class SessionSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: THEMES }) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'] }) runMode!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty() lotCount!: number;
  @ApiProperty({ enum: ['draft', 'published'], description: 'a draft is not listed publicly until published' }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt!: string | null;
}

export class SessionLotDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed', 'cancelled'], description: 'as stored (GET /lots/:id gives the effective state)' }) status!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiProperty() bidCount!: number;
  @ApiProperty({ description: 'run live by an auctioneer' }) live!: boolean;
  @ApiProperty({ nullable: true, enum: ['sold', 'unsold'], type: String }) result!: string | null;
  @ApiProperty({ nullable: true, enum: ['no_bids', 'reserve_not_met', 'withdrawn'], type: String }) unsoldReason!: string | null;
}

/** GET /auction-sessions/:id: a session and its lots. */
export class SessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: THEMES }) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'] }) runMode!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ enum: ['draft', 'published'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt!: string | null;
  @ApiProperty({ type: [SessionLotDto], description: 'every lot of the session in calling order (a session holds at most a few dozen)' })
  lots!: SessionLotDto[];
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionSummaryDto] }) items!: SessionSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
