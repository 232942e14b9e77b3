import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Public, type Principal, OrgScope, RateLimit } from '@zjp/platform';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { AuthService, SignedIn } from './auth.service';
import { LoginDto, RefreshDto, TokenPairDto } from './dto/auth.dto';

function toDto(s: SignedIn): TokenPairDto {
  return { accessToken: s.accessToken, expiresIn: s.expiresIn, refreshToken: s.refreshToken, user: UserDto.from(s.user) };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @OrgScope.none()
  @RateLimit('login-account', 'login-address')
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  async login(@Body() body: LoginDto): Promise<TokenPairDto> {
    return toDto(await this.auth.login(body.email, body.password));
  }

  @Public()
  @OrgScope.none()
  @RateLimit('refresh-address')
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  async refresh(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return toDto(await this.auth.refresh(body.refreshToken));
  }

  @Authenticated()
  @OrgScope.none()
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal);
  }

  @Authenticated()
  @OrgScope.none()
  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return UserDto.from(await this.users.get(principal.userId));
  }
}
