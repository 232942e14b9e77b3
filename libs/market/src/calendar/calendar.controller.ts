import { Body, Controller, Get, Injectable, Param, type PipeTransform, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@zjp/core';
import { CurrentPrincipal, OrgScope, Public, Roles, type Principal } from '@zjp/platform';
import { CalendarService } from './calendar.service';
import { CalendarYearDetailDto, CalendarYearsDto, LoadCalendarYearDto, LoadedCalendarYearDto } from './dto/calendar.dto';

/** A calendar year in a path: a whole number 2000–2100. */
@Injectable()
export class ParseYearPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{4}$/.test(value) || Number(value) < 2000 || Number(value) > 2100)
      throw new ValidationError([{ field: 'year', code: 'isYear', message: 'year must be a year from 2000 to 2100' }]);
    return Number(value);
  }
}

/** The official working-day calendar (法定节假日与调休) that notice periods count by: public to read, loaded by the platform administrator. */
@ApiTags('calendar')
@Controller('calendar/years')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Public()
  @OrgScope.none()
  @ApiOkResponse({ type: CalendarYearsDto })
  @Get()
  years(): Promise<CalendarYearsDto> {
    return this.calendar.years();
  }

  @Public()
  @OrgScope.none()
  @ApiOkResponse({ type: CalendarYearDetailDto })
  @Get(':year')
  year(@Param('year', ParseYearPipe) year: number): Promise<CalendarYearDetailDto> {
    return this.calendar.year(year);
  }

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @ApiOkResponse({ type: LoadedCalendarYearDto })
  @Put(':year')
  load(@CurrentPrincipal() actor: Principal, @Param('year', ParseYearPipe) year: number, @Body() body: LoadCalendarYearDto): Promise<LoadedCalendarYearDto> {
    return this.calendar.loadYear(actor, year, body);
  }
}
