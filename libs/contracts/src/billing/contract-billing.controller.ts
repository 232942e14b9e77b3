import { Body, Controller, Get, Header, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { ContractBillingService } from './contract-billing.service';
import { BankTransferPaymentDto } from './dto/bank-transfer-payment.dto';
import { PayContractDto } from './dto/pay-contract.dto';
import { RefundDto } from './dto/refund.dto';
import { ContractPaymentDto, ContractPaymentPageDto, ContractRefundDto } from './dto/payment-responses.dto';

const READERS = ['holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'platform_admin', 'authority_admin'] as const;

/** Paying contracts: payments, bank transfers and refunds under a contract, and an organisation's balances. */
@ApiTags('contracts')
@ApiBearerAuth()
@Controller()
export class ContractBillingController {
  constructor(private readonly billing: ContractBillingService) {}

  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id/payments')
  @ApiOkResponse({ type: ContractPaymentPageDto })
  payments(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<ContractPaymentPageDto> {
    return this.billing.list(actor, id, query);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/payments')
  pay(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: PayContractDto) {
    return this.billing.payOnline(actor, id, {
      paymentMethod: body.paymentMethod,
      amountFen: body.amountFen === undefined ? undefined : BigInt(body.amountFen),
      idempotencyKey: body.idempotencyKey,
      item: body.item,
    });
  }

  /** 对公转账: the operator records a transfer received, with the bank's reference. */
  @Roles('platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/bank-transfers')
  @ApiCreatedResponse({ type: ContractPaymentDto })
  bankTransfer(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: BankTransferPaymentDto) {
    return this.billing.recordBankTransfer(actor, id, {
      amountFen: BigInt(body.amountFen),
      bankReference: body.bankReference,
      receivedOn: body.receivedOn,
      item: body.item,
    });
  }

  @Roles('platform_admin')
  @OrgScope.owned('contractPayment')
  @Post('contract-payments/:id/refunds')
  @ApiCreatedResponse({ type: ContractRefundDto })
  refund(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RefundDto) {
    return this.billing.refund(actor, id, { amountFen: BigInt(body.amountFen), reason: body.reason, idempotencyKey: body.idempotencyKey });
  }

  @Authenticated()
  @OrgScope.owned('organization')
  @Get('organizations/:id/balances')
  @Header('Cache-Control', 'no-store')
  balances(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.billing.organizationBalances(actor, id);
  }
}
