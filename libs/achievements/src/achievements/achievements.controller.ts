import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Authenticated, CurrentPrincipal, ParseIdPipe, Public, Roles, type Principal, OrgScope } from '@zjp/platform';
import { AchievementsService, AchievementWithRights } from './achievements.service';
import { AchievementDto, AchievementPageDto } from './dto/achievement.dto';
import { IpRightDto, ListAchievementsQuery, RegisterAchievementDto, UpdateAchievementDto, UpdateIpRightStatusDto } from './dto/register-achievement.dto';

export class WithdrawDto {
  @ApiProperty({ example: '成果已并入其他项目' }) @IsString() @Length(1, 2000) reason!: string;
}

/** The registry (P-REG): holders register and maintain their achievements and IP rights. */
@ApiTags('achievements')
@ApiBearerAuth()
@Controller()
export class AchievementsController {
  constructor(private readonly achievements: AchievementsService) {}

  private dto = (x: AchievementWithRights) => AchievementDto.from(x.achievement, x.ipRights, this.achievements.today());

  @Roles('holder_admin', 'holder_member')
  @OrgScope.none()
  @Post('achievements')
  @ApiOkResponse({ type: AchievementDto })
  async register(@CurrentPrincipal() actor: Principal, @Body() body: RegisterAchievementDto): Promise<AchievementDto> {
    return this.dto(await this.achievements.register(actor, body));
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('achievement')
  @Get('achievements')
  @ApiOkResponse({ type: AchievementPageDto })
  async list(@CurrentPrincipal() actor: Principal, @Query() query: ListAchievementsQuery): Promise<AchievementPageDto> {
    const page = await this.achievements.list(actor, query);
    return { items: page.items.map(this.dto), total: page.total, limit: query.limit, offset: query.offset };
  }

  /** Registered achievements are public (the catalogue links here); drafts only for their holder. */
  @Public()
  @OrgScope.none()
  @Get('achievements/:id')
  @ApiOkResponse({ type: AchievementDto })
  async getPublic(@Param('id', ParseIdPipe) id: string): Promise<AchievementDto> {
    return this.dto(await this.achievements.get(null, id));
  }

  @Authenticated()
  @OrgScope.owned('achievement')
  @Get('registry/achievements/:id')
  @ApiOkResponse({ type: AchievementDto })
  async getOwn(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<AchievementDto> {
    return this.dto(await this.achievements.get(actor, id));
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Patch('achievements/:id')
  @ApiOkResponse({ type: AchievementDto })
  async update(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdateAchievementDto): Promise<AchievementDto> {
    return this.dto(await this.achievements.update(actor, id, body));
  }

  @Roles('holder_admin', 'holder_member')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/register')
  @ApiOkResponse({ type: AchievementDto })
  @HttpCode(200)
  async submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<AchievementDto> {
    return this.dto(await this.achievements.submit(actor, id));
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/withdraw')
  @ApiOkResponse({ type: AchievementDto })
  @HttpCode(200)
  async withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawDto): Promise<AchievementDto> {
    return this.dto(await this.achievements.withdraw(actor, id, body.reason));
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/ip-rights')
  @ApiOkResponse({ type: AchievementDto })
  async addIpRight(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: IpRightDto): Promise<AchievementDto> {
    return this.dto(await this.achievements.addIpRight(actor, id, body));
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('ipRight')
  @Patch('ip-rights/:id')
  @ApiOkResponse({ type: AchievementDto })
  async setIpRightStatus(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateIpRightStatusDto,
  ): Promise<AchievementDto> {
    return this.dto(await this.achievements.setIpRightStatus(actor, id, body.status));
  }
}
