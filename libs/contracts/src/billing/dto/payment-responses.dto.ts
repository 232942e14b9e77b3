import { ApiProperty } from '@nestjs/swagger';

/** A refund of a contract payment. */
export class ContractRefundDto {
  @ApiProperty() id!: string;
  @ApiProperty() paymentId!: string;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) providerRefundId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) succeededAt!: Date | null;
}

/** A payment under a contract: online (Stripe), a bank transfer recorded by the operator, or the applied deposit. */
export class ContractPaymentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the fee item paid (price, instalment, milestone…)' }) item!: string | null;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty({ description: 'fen' }) refundedFen!: string;
  @ApiProperty({ enum: ['stripe', 'bank_transfer', 'deposit'] }) provider!: string;
  @ApiProperty({ nullable: true, type: String, description: "the provider's id, or the bank reference of a transfer" }) providerPaymentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) paymentMethod!: string | null;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'canceled'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) failureCode!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date', description: 'a bank transfer: the day it was received' }) receivedOn!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) succeededAt!: Date | null;
}

export class ContractPaymentItemDto extends ContractPaymentDto {
  @ApiProperty({ type: [ContractRefundDto], description: 'the refunds of this payment' }) refunds!: ContractRefundDto[];
}

/** GET /contracts/:id/payments: the contract's payments, oldest first, each with its refunds. */
export class ContractPaymentPageDto {
  @ApiProperty({ type: [ContractPaymentItemDto] }) items!: ContractPaymentItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
