import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { CreateUserDto } from '../users/dto/create-user.dto';
import { UserDto, UserPageDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/create-organization.dto';
import { ListOrganizationsQuery } from './dto/list-organizations.query';
import { OrganizationDto, OrganizationPageDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
  ) {}

  /** The operator creates any organisation; an authority holders, enterprises and brokers of its region. */
  @Roles('platform_admin', 'authority_admin')
  @OrgScope.none()
  @Post()
  @ApiCreatedResponse({ type: OrganizationDto })
  async create(@CurrentPrincipal() actor: Principal, @Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return OrganizationDto.from(await this.organizations.create(actor, body));
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.filtered('organization')
  @Get()
  @ApiOkResponse({ type: OrganizationPageDto })
  async list(@CurrentPrincipal() actor: Principal, @Query() query: ListOrganizationsQuery): Promise<OrganizationPageDto> {
    const page = await this.organizations.list(query, actor);
    return { items: page.items.map(OrganizationDto.from), total: page.total, limit: query.limit, offset: query.offset };
  }

  @Authenticated()
  @OrgScope.owned('organization')
  @Get(':id')
  @ApiOkResponse({ type: OrganizationDto })
  async get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<OrganizationDto> {
    return OrganizationDto.from(await this.organizations.get(actor, id));
  }

  /** Flags (high-level platform, SME) and name: the operator, or an authority for the organisations of its region. */
  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('organization')
  @Patch(':id')
  @ApiOkResponse({ type: OrganizationDto })
  async update(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdateOrganizationDto): Promise<OrganizationDto> {
    return OrganizationDto.from(await this.organizations.update(actor, id, body));
  }

  @Roles('platform_admin', 'holder_admin', 'enterprise_admin', 'authority_admin')
  @OrgScope.owned('organization')
  @Post(':id/users')
  @ApiCreatedResponse({ type: UserDto })
  async createUser(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: CreateUserDto): Promise<UserDto> {
    await this.organizations.assertCanManageUsers(actor, id);
    return UserDto.from(await this.users.create(actor, id, body));
  }

  @Roles('platform_admin', 'holder_admin', 'enterprise_admin', 'authority_admin')
  @OrgScope.owned('organization')
  @Get(':id/users')
  @ApiOkResponse({ type: UserPageDto })
  async listUsers(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<UserPageDto> {
    await this.organizations.assertCanManageUsers(actor, id);
    const page = await this.users.pageByOrganization(id, query);
    return { items: page.items.map(UserDto.from), total: page.total, limit: query.limit, offset: query.offset };
  }
}
