import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsFen, IsLocalDate, MANDATE_PERMISSIONS, Omittable, PageQuery } from '@zjp/platform';

export class GrantMandateDto {
  @ApiProperty({ format: 'uuid', description: 'the broker organisation (type broker) that will act for you' }) @IsUUID() brokerOrganizationId!: string;
  @ApiPropertyOptional({ type: [String], description: 'your achievements the mandate covers (a holder: its own)', default: [] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  achievementIds?: string[];
  @ApiPropertyOptional({
    type: [String],
    description: 'lots the mandate covers (a holder: its own lots; an enterprise: lots it wants to bid for)',
    default: [],
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  lotIds?: string[];
  @ApiProperty({
    enum: MANDATE_PERMISSIONS,
    isArray: true,
    description:
      'list (a holder: create listings and lots), register_and_bid (an enterprise: register, pay the deposit, bid), negotiate (declarations of intent, agreements). Signing is never delegated.',
  })
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(MANDATE_PERMISSIONS as unknown as string[], { each: true })
  permissions!: ('list' | 'register_and_bid' | 'negotiate')[];
  @ApiProperty({ format: 'date', example: '2026-12-31', description: 'the last day (Beijing time) the mandate holds' }) @IsLocalDate() endsOn!: string;
  @ApiPropertyOptional({ example: 300, description: 'commission rate in basis points of the contract value (300 = 3%); or commissionFixedFen' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(10000)
  commissionRateBp?: number;
  @ApiPropertyOptional({ example: '5000000', description: 'a fixed commission in fen; or commissionRateBp' }) @Omittable() @IsFen() commissionFixedFen?: string;
  @ApiPropertyOptional({ example: '代理参加长三角拍专场竞买' }) @Omittable() @IsString() @Length(0, 500) note?: string;
}

export class RevokeMandateDto {
  @ApiPropertyOptional({ example: '已自行办理' }) @Omittable() @IsString() @Length(0, 500) reason?: string;
}

export class ListMandatesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['active', 'revoked', 'lapsed'] }) @Omittable() @IsIn(['active', 'revoked', 'lapsed']) status?: 'active' | 'revoked' | 'lapsed';
}

export class ListBrokersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'part of the name' }) @Omittable() @IsString() @Length(1, 100) q?: string;
}

export class MandateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) principalOrganizationId!: string;
  @ApiProperty({ enum: ['holder', 'enterprise'] }) principalType!: string;
  @ApiProperty() principalName!: string;
  @ApiProperty({ format: 'uuid' }) brokerOrganizationId!: string;
  @ApiProperty() brokerName!: string;
  @ApiProperty({ type: [String] }) achievementIds!: string[];
  @ApiProperty({ type: [String] }) lotIds!: string[];
  @ApiProperty({ enum: MANDATE_PERMISSIONS, isArray: true }) permissions!: string[];
  @ApiProperty({ format: 'date', description: 'the last day it holds (Beijing time)' }) endsOn!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'basis points of the contract value' }) commissionRateBp!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) commissionFixedFen!: string | null;
  @ApiProperty() note!: string;
  @ApiProperty({ enum: ['active', 'revoked', 'lapsed'], description: 'revoked by the principal; lapsed after its end date; else active' }) status!: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokeReason!: string | null;
  @ApiProperty({ description: 'actions the broker recorded under it' }) actionCount!: number;
}

export class MandatePageDto {
  @ApiProperty({ type: [MandateDto] }) items!: MandateDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class MandateActionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: MANDATE_PERMISSIONS }) action!: string;
  @ApiProperty({ example: 'POST /lots/:id/registrations' }) operation!: string;
  @ApiProperty({ enum: ['lot', 'listing', 'achievement'] }) resourceType!: string;
  @ApiProperty({ format: 'uuid' }) resourceId!: string;
  @ApiProperty({ nullable: true, type: String }) achievementId!: string | null;
  @ApiProperty({ nullable: true, type: String }) achievementTitle!: string | null;
  @ApiProperty({ format: 'uuid', description: "the broker's user" }) actorUserId!: string;
  @ApiProperty({ nullable: true, type: String }) actorName!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
}

export class MandateActionPageDto {
  @ApiProperty({ type: [MandateActionDto] }) items!: MandateActionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class BrokerOrganizationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionCode!: string;
}

export class BrokerOrganizationPageDto {
  @ApiProperty({ type: [BrokerOrganizationDto] }) items!: BrokerOrganizationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class BrokerLotDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ description: 'fen' }) startingPriceFen!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) currentFen!: string | null;
  @ApiProperty({ description: 'fen' }) depositFen!: string;
  @ApiProperty({ nullable: true, type: String }) result!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) hammerPriceFen!: string | null;
  @ApiProperty({ format: 'uuid' }) mandateId!: string;
  @ApiProperty({ format: 'uuid' }) principalOrganizationId!: string;
  @ApiProperty() principalName!: string;
  @ApiProperty({ enum: MANDATE_PERMISSIONS, isArray: true }) permissions!: string[];
}

export class BrokerLotPageDto {
  @ApiProperty({ type: [BrokerLotDto] }) items!: BrokerLotDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class BrokerDealDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['auction', 'fixed_price', 'negotiated'] }) source!: string;
  @ApiProperty({ format: 'uuid' }) achievementId!: string;
  @ApiProperty({ nullable: true, type: String }) achievementTitle!: string | null;
  @ApiProperty({ description: 'fen' }) priceFen!: string;
  @ApiProperty({ format: 'date-time' }) concludedAt!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ format: 'uuid' }) mandateId!: string;
  @ApiProperty({ format: 'uuid' }) principalOrganizationId!: string;
  @ApiProperty() principalName!: string;
  @ApiProperty({ enum: ['buyer', 'seller'] }) side!: string;
  @ApiProperty({ nullable: true, type: String }) contractId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen, once the contract is drafted with the commission' }) commissionFen!: string | null;
}

export class BrokerDealPageDto {
  @ApiProperty({ type: [BrokerDealDto] }) items!: BrokerDealDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class BrokerCommissionDto {
  @ApiProperty({ format: 'uuid' }) contractId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ enum: ['buyer', 'seller'] }) side!: string;
  @ApiProperty({ format: 'uuid' }) mandateId!: string;
  @ApiProperty({ format: 'uuid' }) principalOrganizationId!: string;
  @ApiProperty() principalName!: string;
  @ApiProperty({ nullable: true, type: Number }) rateBp!: number | null;
  @ApiProperty({ nullable: true, type: String }) fixedFen!: string | null;
  @ApiProperty({ description: 'the contract value it was computed from, fen' }) basisFen!: string;
  @ApiProperty({ description: 'fen' }) commissionFen!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class BrokerCommissionPageDto {
  @ApiProperty({ type: [BrokerCommissionDto] }) items!: BrokerCommissionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ description: 'all commissions recorded, fen' }) sumFen!: string;
}
