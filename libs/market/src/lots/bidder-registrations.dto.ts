import { ApiProperty } from '@nestjs/swagger';

/** One of the enterprise's registrations for a lot: its deposit, its best bid and how the lot stands or ended. */
export class OwnRegistrationDto {
  @ApiProperty() id!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty({ description: "the achievement's title" }) title!: string;
  @ApiProperty({ example: '竞买人 07' }) pseudonym!: string;
  @ApiProperty({ enum: ['pending', 'held', 'failed', 'released', 'applied', 'forfeited'] }) depositStatus!: string;
  @ApiProperty({ description: 'fen' }) depositFen!: string;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed'], description: "the lot's effective state" }) status!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "fen; the organisation's highest accepted bid" }) myBestFen!: string | null;
  @ApiProperty({ description: 'the organisation leads now (an open lot)' }) leading!: boolean;
  @ApiProperty({ description: 'the organisation won the lot' }) won!: boolean;
  @ApiProperty({ enum: ['sold', 'unsold'], nullable: true, type: String }) result!: 'sold' | 'unsold' | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) hammerPriceFen!: string | null;
}

export class OwnRegistrationPageDto {
  @ApiProperty({ type: [OwnRegistrationDto] }) items!: OwnRegistrationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
