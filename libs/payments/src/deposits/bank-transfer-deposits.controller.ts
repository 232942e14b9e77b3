import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import { CurrentPrincipal, IsFen, Roles, type Principal, OrgScope } from '@zjp/platform';
import { Deposit, DepositsService } from './deposits.service';

export class BankTransferDepositDto {
  @ApiProperty({ format: 'uuid', description: 'the paying organisation' }) @IsUUID('all') organizationId!: string;
  @ApiProperty({ example: 'lot_registration' })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'referenceType must be lower-case snake_case' })
  referenceType!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') referenceId!: string;
  @ApiProperty({ example: '5000000', description: 'fen' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: 'ICBC-20260110-000123', description: "the bank's reference of the received transfer" })
  @IsString()
  @Length(1, 100)
  bankReference!: string;
}

export interface DepositView {
  id: string;
  organizationId: string;
  referenceType: string;
  referenceId: string;
  amountFen: string;
  capturedFen: string;
  currency: string;
  provider: string;
  providerPaymentId: string | null;
  status: string;
  failureCode: string | null;
  heldAt: Date | null;
  settledAt: Date | null;
  createdAt: Date;
}

export function toDepositView(d: Deposit): DepositView {
  return {
    id: d.id,
    organizationId: d.organizationId,
    referenceType: d.referenceType,
    referenceId: d.referenceId,
    amountFen: d.amountFen.toString(),
    capturedFen: d.capturedFen.toString(),
    currency: d.currency,
    provider: d.provider,
    providerPaymentId: d.providerPaymentId,
    status: d.status,
    failureCode: d.failureCode,
    heldAt: d.heldAt,
    settledAt: d.settledAt,
    createdAt: d.createdAt,
  };
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments/bank-transfer-deposits')
export class BankTransferDepositsController {
  constructor(private readonly deposits: DepositsService) {}

  /** An administrator confirms a received bank transfer (对公转账): the deposit is held at once. */
  @Roles('platform_admin')
  @OrgScope.none()
  @Post()
  @HttpCode(200)
  async record(@CurrentPrincipal() actor: Principal, @Body() body: BankTransferDepositDto): Promise<DepositView> {
    const deposit = await this.deposits.recordBankTransfer({ ...body, amountFen: BigInt(body.amountFen) }, actor);
    return toDepositView(deposit);
  }
}
