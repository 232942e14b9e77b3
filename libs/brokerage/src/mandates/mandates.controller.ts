import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, type Principal, Roles } from '@zjp/platform';
import {
  BrokerOrganizationPageDto,
  GrantMandateDto,
  ListBrokersQuery,
  ListMandatesQuery,
  MandateActionPageDto,
  MandateDto,
  MandatePageDto,
  RevokeMandateDto,
} from './dto/mandates.dto';
import type { MandateActionRow, MandateRow } from './mandates.repository';
import { MandatesService } from './mandates.service';

export function toMandateDto(m: MandateRow): MandateDto {
  return {
    id: m.id,
    principalOrganizationId: m.principalOrganizationId,
    principalType: m.principalType,
    principalName: m.principalName,
    brokerOrganizationId: m.brokerOrganizationId,
    brokerName: m.brokerName,
    achievementIds: m.achievementIds,
    lotIds: m.lotIds,
    permissions: m.permissions,
    endsOn: m.endsOn,
    commissionRateBp: m.commissionRateBp,
    commissionFixedFen: m.commissionFixedFen,
    note: m.note,
    status: m.status,
    grantedAt: m.grantedAt.toISOString(),
    revokedAt: m.revokedAt?.toISOString() ?? null,
    revokeReason: m.revokeReason,
    actionCount: m.actionCount,
  };
}

const toActionDto = (a: MandateActionRow) => ({ ...a, occurredAt: a.occurredAt.toISOString() });

/**
 * Mandates (委托) to technology brokers: the principal (a holder or an enterprise administrator)
 * grants and revokes; the principal and the broker read them and what the broker did under them.
 * A broker acts under a mandate by sending `X-On-Behalf-Of: <principal organisation id>` on the
 * market's routes marked @ActsFor (README "Technology brokers").
 */
@ApiTags('mandates')
@ApiBearerAuth()
@Controller()
export class MandatesController {
  constructor(private readonly mandates: MandatesService) {}

  @Roles('holder_admin', 'enterprise_admin')
  @OrgScope.none()
  @Post('mandates')
  @ApiCreatedResponse({ type: MandateDto })
  async grant(@CurrentPrincipal() actor: Principal, @Body() body: GrantMandateDto): Promise<MandateDto> {
    return toMandateDto(await this.mandates.grant(actor, body));
  }

  @Roles('holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'broker', 'platform_admin')
  @OrgScope.filtered('mandate')
  @Get('mandates')
  @ApiOkResponse({ type: MandatePageDto })
  async list(@CurrentPrincipal() actor: Principal, @Query() query: ListMandatesQuery): Promise<MandatePageDto> {
    const page = { limit: query.limit, offset: query.offset };
    const { items, total } = await this.mandates.list(actor, query.status, page);
    return { items: items.map(toMandateDto), total, ...page };
  }

  @Roles('holder_admin', 'enterprise_admin')
  @OrgScope.none()
  @Get('brokers')
  @ApiOkResponse({ type: BrokerOrganizationPageDto, description: 'broker organisations a mandate may be granted to' })
  async brokers(@Query() query: ListBrokersQuery): Promise<BrokerOrganizationPageDto> {
    const page = { limit: query.limit, offset: query.offset };
    return { ...(await this.mandates.brokers(query.q, page)), ...page };
  }

  @Roles('holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'broker', 'platform_admin')
  @OrgScope.owned('mandate')
  @Get('mandates/:id')
  @ApiOkResponse({ type: MandateDto })
  async get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<MandateDto> {
    return toMandateDto(await this.mandates.get(actor, id));
  }

  @Roles('holder_admin', 'enterprise_admin')
  @OrgScope.owned('mandate')
  @Post('mandates/:id/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: MandateDto })
  async revoke(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RevokeMandateDto): Promise<MandateDto> {
    return toMandateDto(await this.mandates.revoke(actor, id, body.reason));
  }

  @Roles('holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'broker', 'platform_admin')
  @OrgScope.owned('mandate')
  @Get('mandates/:id/actions')
  @ApiOkResponse({ type: MandateActionPageDto, description: 'what the broker did under the mandate, newest first' })
  async actions(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: ListMandatesQuery): Promise<MandateActionPageDto> {
    const page = { limit: query.limit, offset: query.offset };
    const { items, total } = await this.mandates.actions(actor, id, page);
    return { items: items.map(toActionDto), total, ...page };
  }
}
