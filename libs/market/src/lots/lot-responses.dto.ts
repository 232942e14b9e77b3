import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AppraisalDto } from '../listings/dto/appraisal.dto';
import { IncrementDto } from './lots.dto';

/** GET /lots/:id (and POST /lots): a lot, never its reserve price. */
export class LotDto {
  @ApiProperty() id!: string;
  @ApiProperty() listingId!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ description: 'fen' }) startingPriceFen!: string;
  @ApiProperty({ description: 'whether a hidden reserve price is set' }) hasReserve!: boolean;
  @ApiProperty({ type: IncrementDto }) increment!: IncrementDto;
  @ApiProperty({ description: 'fen' }) depositFen!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'including anti-sniping extensions' }) endsAt!: string;
  @ApiProperty({ format: 'date-time' }) originalEndsAt!: string;
  @ApiProperty() extensionMinutes!: number;
  @ApiProperty({ nullable: true, type: Number }) extensionCapMinutes!: number | null;
  @ApiProperty() proxyAllowed!: boolean;
  @ApiProperty() live!: boolean;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed'], description: 'the effective state (a scheduled lot whose start has come is open)' }) status!: string;
  @ApiProperty({ description: 'sequence number of the last accepted bid' }) seq!: number;
  @ApiProperty() bidCount!: number;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '竞买人 07', description: "the leader's pseudonym" }) leader!: string | null;
  @ApiProperty({ nullable: true, enum: ['sold', 'unsold'], type: String }) result!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) hammerPriceFen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the winner's pseudonym" }) winner!: string | null;
  @ApiProperty({ description: 'hash of the last accepted bid (the chain head)' }) chainHead!: string;
  @ApiProperty({ nullable: true, type: AppraisalDto, description: '资产评估 (P-PRICE): the appraisal report of its listing, shown beside the starting price' })
  appraisal!: AppraisalDto | null;
}

export class LotBidDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty({ example: '竞买人 07' }) bidder!: string;
  @ApiProperty({ description: 'placed by the engine for a proxy maximum' }) proxy!: boolean;
  @ApiProperty({ description: 'a floor bid, entered by the auctioneer for a bidder in the room (P-AUC)' }) floor!: boolean;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

/** GET /lots/:id/bids: accepted bids after a sequence number, with the hash chain. */
export class LotBidsDto {
  @ApiProperty() lotId!: string;
  @ApiProperty() chainHead!: string;
  @ApiProperty({ description: 'the whole chain was asked for (afterSeq 0) and verifies' }) verified!: boolean;
  @ApiProperty({ type: [LotBidDto] }) bids!: LotBidDto[];
}

/** A bidder registration for a lot. */
export class RegistrationDto {
  @ApiProperty() id!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty() paddleNumber!: number;
  @ApiProperty({ example: '竞买人 07' }) pseudonym!: string;
  @ApiProperty({ description: 'a floor bidder registered by the operator' }) offline!: boolean;
  @ApiProperty({ nullable: true, type: String }) depositId!: string | null;
  @ApiProperty({ enum: ['pending', 'held', 'failed', 'released', 'applied', 'forfeited'] }) depositStatus!: string;
}

/** The answer to a bid, sent only after an accepted bid is committed. */
export class BidResultDto {
  @ApiProperty({ enum: ['accepted', 'rejected'] }) status!: 'accepted' | 'rejected';
  @ApiPropertyOptional({ example: 'BID_TOO_LOW', description: 'why a bid was rejected' }) code?: string;
  @ApiPropertyOptional({ description: 'the sequence number of an accepted bid' }) seq?: number;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiPropertyOptional({ description: 'the lowest acceptable bid now, in fen' }) minimumFen?: string;
  @ApiProperty() leading!: boolean;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ description: 'the stored answer to an earlier bid with the same idempotency key' }) replay!: boolean;
}

/** One paddle of a lot, as the auctioneer sees it (GET /lots/:id/registrations). */
export class LotRegistrationDto {
  @ApiProperty() id!: string;
  @ApiProperty() paddleNumber!: number;
  @ApiProperty({ example: '竞买人 07' }) pseudonym!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty() organizationName!: string;
  @ApiProperty({ description: 'a floor bidder registered by the operator (bids entered from the console)' }) offline!: boolean;
  @ApiProperty({ enum: ['pending', 'held', 'failed', 'released', 'applied', 'forfeited'] }) depositStatus!: string;
  @ApiProperty({ description: 'holds the lead now' }) leading!: boolean;
}

export class LotRegistrationPageDto {
  @ApiProperty({ type: [LotRegistrationDto] }) items!: LotRegistrationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** POST /lots/:id/calls: the call announced to the room. */
export class CallResultDto {
  @ApiProperty() lotId!: string;
  @ApiProperty({ enum: ['going_once', 'going_twice'] }) call!: string;
}

/** POST /lots/:id/hammer and /withdraw: whether this request closed the lot, and how. */
export class CloseResultDto {
  @ApiProperty() closed!: boolean;
  @ApiProperty() lotId!: string;
  @ApiPropertyOptional({ enum: ['sold', 'unsold'] }) result?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'fen' }) hammerPriceFen?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) dealId?: string | null;
  @ApiPropertyOptional({ enum: ['already_closed', 'not_ended', 'not_found'], description: 'why nothing was closed' }) reason?: string;
  @ApiPropertyOptional({ format: 'date-time' }) endsAt?: string;
}
