import { ApiProperty } from '@nestjs/swagger';
import { CONTRACT_STATUSES, CONTRACT_TYPES } from '../../domain';

/** One contract of GET /contracts. */
export class ContractListItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    example: '2026-330106-000001',
    description: "合同编号: year of creation (Beijing time), the seller organisation's 6-digit region code, and a sequence per year and region",
  })
  contractNumber!: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status!: string;
  @ApiProperty() sellerId!: string;
  @ApiProperty() buyerId!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty({ nullable: true, type: String }) dealId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the technology-market registration number' }) registrationNumber!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ContractRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
}

export class ContractPartyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class ContractBuyerDto extends ContractPartyDto {
  @ApiProperty() sme!: boolean;
}

export class SignatureDto {
  @ApiProperty({ enum: ['seller', 'buyer'] }) party!: string;
  @ApiProperty() version!: number;
  @ApiProperty() organizationId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() signerName!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty() termsSha256!: string;
}

export class UseFirstDto {
  @ApiProperty({ nullable: true, type: String, format: 'date' }) trialEndsOn!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) convertedOn!: string | null;
}

export class ContractRegistrationDto {
  @ApiProperty() number!: string;
  @ApiProperty({ format: 'date' }) registeredOn!: string;
  @ApiProperty() registry!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
}

export class TerminationDto {
  @ApiProperty() kind!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) terminatedAt!: string;
}

export class ContractDocumentRefDto {
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the stored signed PDF' }) signedSha256!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the terms both parties signed' }) signedTermsSha256!: string | null;
}

export class ObligationDto {
  @ApiProperty() key!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty({ description: 'fen' }) paidFen!: string;
  @ApiProperty({ description: 'fen' }) outstandingFen!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) dueOn!: string | null;
  @ApiProperty() status!: string;
}

export class ContractMoneyDto {
  @ApiProperty({ description: 'fees known so far, fen' }) totalFeesFen!: string;
  @ApiProperty({ nullable: true, type: String, description: 'equity: the valuation, fen' }) equityValuationFen!: string | null;
  @ApiProperty({ description: '实际成交额: succeeded payments less refunds, fen' }) actualValueFen!: string;
  @ApiProperty() outstandingFen!: string;
  @ApiProperty() dueFen!: string;
  @ApiProperty() overdueFen!: string;
  @ApiProperty() feesDeferred!: boolean;
  @ApiProperty({ type: [Number], description: 'royalty years not reported yet' }) royaltyReportsMissing!: number[];
  @ApiProperty() settled!: boolean;
  @ApiProperty({ type: [ObligationDto] }) obligations!: ObligationDto[];
}

/** GET /contracts/:id: a contract, its signatures, registration and money. */
export class ContractCommissionDto {
  @ApiProperty({ enum: ['seller', 'buyer'], description: 'whose broker' }) side!: string;
  @ApiProperty({ format: 'uuid' }) mandateId!: string;
  @ApiProperty({ format: 'uuid' }) brokerOrganizationId!: string;
  @ApiProperty() brokerName!: string;
  @ApiProperty({ format: 'uuid' }) principalOrganizationId!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'basis points of the contract value, as the mandate agreed' }) rateBp!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'a fixed amount in fen, as the mandate agreed' }) fixedFen!: string | null;
  @ApiProperty({ description: 'the contract value it is computed from, fen' }) basisFen!: string;
  @ApiProperty({ description: 'fen; a rate rounds half up to the fen' }) commissionFen!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ContractDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    example: '2026-330106-000001',
    description: "合同编号: year of creation (Beijing time), the seller organisation's 6-digit region code, and a sequence per year and region",
  })
  contractNumber!: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type!: string;
  @ApiProperty({ enum: ['auction', 'fixed_price', 'negotiated', 'free_license', 'drafted'] }) source!: string;
  @ApiProperty({ nullable: true, type: String }) dealId!: string | null;
  @ApiProperty({ nullable: true, type: String }) freeLicenseApplicationId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: ContractRefDto }) achievement!: ContractRefDto;
  @ApiProperty({ type: ContractPartyDto }) seller!: ContractPartyDto;
  @ApiProperty({ type: ContractBuyerDto }) buyer!: ContractBuyerDto;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the terms as drafted and amended (PUT /contracts/:id/terms)' })
  terms!: Record<string, unknown>;
  @ApiProperty({ description: 'fen' }) priceFen!: string;
  @ApiProperty({ description: 'fen' }) depositFen!: string;
  @ApiProperty({ type: [SignatureDto] }) signatures!: SignatureDto[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) signedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) tookEffectOn!: string | null;
  @ApiProperty({ nullable: true, type: UseFirstDto }) useFirst!: UseFirstDto | null;
  @ApiProperty({ nullable: true, type: ContractRegistrationDto }) registration!: ContractRegistrationDto | null;
  @ApiProperty({ nullable: true, type: TerminationDto }) termination!: TerminationDto | null;
  @ApiProperty({ type: ContractDocumentRefDto }) document!: ContractDocumentRefDto;
  @ApiProperty({ type: ContractMoneyDto }) money!: ContractMoneyDto;
  @ApiProperty({ type: [ContractCommissionDto], description: "佣金 of brokers through whose mandates the deal was made (a party sees its own broker's)" })
  commissions!: ContractCommissionDto[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ContractPageDto {
  @ApiProperty({ type: [ContractListItemDto] }) items!: ContractListItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
