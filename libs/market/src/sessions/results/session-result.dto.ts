import { ApiProperty } from '@nestjs/swagger';

export class SessionResultLotDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'calling order in the session' }) position!: number | null;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'fen' }) startingPriceFen!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen; null when unsold' }) hammerPriceFen!: string | null;
  @ApiProperty({ enum: ['sold', 'unsold'] }) result!: string;
  @ApiProperty({ nullable: true, enum: ['no_bids', 'reserve_not_met', 'withdrawn'], type: String }) unsoldReason!: string | null;
  @ApiProperty({ description: 'accepted bids on the lot' }) bids!: number;
  @ApiProperty({ nullable: true, type: String, example: '25.00', description: 'hammer ÷ start − 1 in percent, 2 decimals, rounded half up' })
  premiumPercent!: string | null;
}

export class PremiumDto {
  @ApiProperty({ description: 'hammer total − starting total of the sold lots, fen' }) numeratorFen!: string;
  @ApiProperty({ description: 'starting total of the sold lots, fen' }) denominatorFen!: string;
  @ApiProperty({ example: '25.00', description: 'numerator ÷ denominator in percent, 2 decimals, rounded half up from the exact fraction' }) percent!: string;
}

/** GET /auction-sessions/:id/result: 成交结果. */
export class SessionResultDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty() sessionName!: string;
  @ApiProperty() theme!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: "when the session's last lot closed" }) closedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when the figures were computed' }) computedAt!: string;
  @ApiProperty({ description: 'lots offered (cancelled ones not counted; withdrawn ones counted, as unsold)' }) lotsOffered!: number;
  @ApiProperty() lotsSold!: number;
  @ApiProperty() lotsUnsold!: number;
  @ApiProperty({ description: 'withdrawn (撤拍) lots, among the unsold' }) lotsWithdrawn!: number;
  @ApiProperty({ nullable: true, type: String, example: '75.00', description: 'sold ÷ offered in percent' }) sellThroughPercent!: string | null;
  @ApiProperty({ description: 'starting prices of all lots offered, fen' }) startingTotalFen!: string;
  @ApiProperty({ description: 'starting prices of the sold lots, fen' }) soldStartingTotalFen!: string;
  @ApiProperty({ description: 'hammer prices of the sold lots, fen' }) hammerTotalFen!: string;
  @ApiProperty({ nullable: true, type: PremiumDto, description: '溢价率 = hammer total ÷ starting total of the sold lots − 1; null when nothing sold' })
  premium!: PremiumDto | null;
  @ApiProperty({ description: 'distinct organisations with at least one accepted bid' }) bidders!: number;
  @ApiProperty() onlineBidders!: number;
  @ApiProperty({ description: 'registered on the floor by the auctioneer (paddles)' }) floorBidders!: number;
  @ApiProperty({ description: 'accepted bids' }) bids!: number;
  @ApiProperty() onlineBids!: number;
  @ApiProperty({ description: 'placed by the proxy (automatic) bidding for online bidders' }) proxyBids!: number;
  @ApiProperty({ description: 'entered by the auctioneer from the floor' }) floorBids!: number;
  @ApiProperty({ type: [SessionResultLotDto] }) lots!: SessionResultLotDto[];
}
