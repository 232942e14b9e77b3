import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, LocalDate, NotFoundError, shanghaiDate, ValidationError } from '@zjp/core';
import { regionName } from '@zjp/identity';
import { DataSource } from 'typeorm';
import { change, parsePeriod, percentOf, type Period, premiumRate, previousPeriod, type ReportKind, yearAgoPeriod } from '../domain/figures';
import { FIELD_LABELS, HOLDER_TYPE_LABELS, KIND_LABELS, THEME_LABELS } from '../domain/labels';
import type { AvailableReportsDto, BreakdownRowDto, FigureDto, PeriodicReportDto, ReportFiguresDto } from '../dto/periodic-report.dto';
import { FactsRefreshService } from '../facts/facts-refresh.service';
import {
  availableReports,
  type Dimension,
  type FactRow,
  type FactSums,
  findReport,
  monthlyTrend,
  periodFacts,
  periodSessions,
  type SessionRow,
  type Span,
  upsertReport,
} from '../reports.repository';

type Content = Omit<PeriodicReportDto, 'sha256' | 'generatedAt' | 'generatedBy'>;

const ZERO: FactSums = {
  listings: 0,
  bidders: 0,
  bids: 0,
  lotsOffered: 0,
  lotsSold: 0,
  soldStartFen: '0',
  soldHammerFen: '0',
  deals: 0,
  dealValueFen: '0',
  contractsRegistered: 0,
  contractValueFen: '0',
  contractPaidFen: '0',
  subsidyApprovedFen: '0',
  subsidyPaidFen: '0',
};

/** Each figure's value in one span; null where undefined (a rate over nothing, sessions of a field). */
function values(s: FactSums, sessions: number | null): Record<keyof ReportFiguresDto, string | null> {
  return {
    listings: String(s.listings),
    auctionsHeld: sessions === null ? null : String(sessions),
    lotsOffered: String(s.lotsOffered),
    lotsSold: String(s.lotsSold),
    sellThroughRate: percentOf(BigInt(s.lotsSold), BigInt(s.lotsOffered)),
    premiumRate: premiumRate(BigInt(s.soldHammerFen), BigInt(s.soldStartFen)),
    soldStartFen: s.soldStartFen,
    soldHammerFen: s.soldHammerFen,
    deals: String(s.deals),
    dealValueFen: s.dealValueFen,
    contractsRegistered: String(s.contractsRegistered),
    contractValueFen: s.contractValueFen,
    contractPaidFen: s.contractPaidFen,
    subsidyApprovedFen: s.subsidyApprovedFen,
    subsidyPaidFen: s.subsidyPaidFen,
  };
}

const UNITS: Record<keyof ReportFiguresDto, FigureDto['unit']> = {
  listings: 'count',
  auctionsHeld: 'count',
  lotsOffered: 'count',
  lotsSold: 'count',
  sellThroughRate: 'percent',
  premiumRate: 'percent',
  soldStartFen: 'fen',
  soldHammerFen: 'fen',
  deals: 'count',
  dealValueFen: 'fen',
  contractsRegistered: 'count',
  contractValueFen: 'fen',
  contractPaidFen: 'fen',
  subsidyApprovedFen: 'fen',
  subsidyPaidFen: 'fen',
};

function figures(cur: Record<keyof ReportFiguresDto, string | null>, prev: typeof cur, ya: typeof cur): ReportFiguresDto {
  const out = {} as ReportFiguresDto;
  for (const k of Object.keys(UNITS) as (keyof ReportFiguresDto)[]) {
    const unit = UNITS[k];
    out[k] = {
      unit,
      value: cur[k],
      previous: prev[k],
      yearAgo: ya[k],
      changeVsPrevious: change(unit, cur[k], prev[k]),
      changeVsYearAgo: change(unit, cur[k], ya[k]),
    };
  }
  return out;
}

function label(dimension: Dimension, key: string): string {
  if (dimension === 'field') return FIELD_LABELS[key] ?? key;
  if (dimension === 'holderType') return HOLDER_TYPE_LABELS[key] ?? key;
  if (dimension === 'theme') return THEME_LABELS[key] ?? key;
  if (dimension === 'region') return key === '' ? '未知地区' : (regionName(key) ?? key);
  return '合计';
}

/** 月监测、季分析、年评价: generated from the summary tables, stored with their hash, read back as stored. */
@Injectable()
export class PeriodicReportsService {
  constructor(
    private readonly db: DataSource,
    private readonly facts: FactsRefreshService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(kind: ReportKind, label: string): Promise<PeriodicReportDto> {
    const p = parsePeriod(kind, label);
    const stored = await findReport(this.db, kind, p.period);
    if (!stored) throw new NotFoundError('REPORT_NOT_GENERATED', `No ${kind} report for ${p.period} has been generated`, { kind, period: p.period });
    return { ...(stored.content as Content), sha256: stored.sha256, generatedAt: stored.generatedAt.toISOString(), generatedBy: stored.generatedBy };
  }

  async available(kind?: ReportKind): Promise<AvailableReportsDto> {
    const rows = await availableReports(this.db, kind ?? null);
    return { items: rows.map((r) => ({ ...r, generatedAt: r.generatedAt.toISOString() })) };
  }

  /** Refreshes the facts (incrementally), computes the report and stores it; a period not yet over is refused. */
  async generate(kind: ReportKind, label: string, by: 'schedule' | 'request'): Promise<PeriodicReportDto> {
    const p = parsePeriod(kind, label);
    const today = shanghaiDate(this.clock.now());
    if (!LocalDate.parse(p.to).isBefore(today)) {
      throw new ValidationError([{ field: 'period', code: 'periodNotOver', message: `${p.period} ends on ${p.to}; a report covers a period that is over` }]);
    }
    await this.facts.refresh();
    const content = await this.compute(p);
    const sha256 = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    const at = this.clock.now();
    await upsertReport(this.db, { kind, period: p.period, from: p.from, to: p.to, content, sha256, at, by });
    return { ...content, sha256, generatedAt: at.toISOString(), generatedBy: by };
  }

  /** The report's content from the summary tables (no hash, no date: equal facts give equal content). */
  async compute(p: Period): Promise<Content> {
    const prev = previousPeriod(p);
    const ya = yearAgoPeriod(p);
    // An annual report's previous period is the year before: the same span twice.
    const yaRange = p.kind === 'annual' ? (['0001-01-01', '0001-01-01'] as const) : ([ya.from, ya.to] as const);
    const [facts, sessions] = await Promise.all([
      periodFacts(this.db, [p.from, p.to], [prev.from, prev.to], yaRange),
      periodSessions(this.db, [p.from, p.to], [prev.from, prev.to], yaRange),
    ]);
    const spanOf = (s: Span): Span => (p.kind === 'annual' && s === 'yearAgo' ? 'previous' : s);
    const factsOf = (span: Span, d: Dimension, key: string): FactSums =>
      facts.find((r: FactRow) => r.span === spanOf(span) && r.dimension === d && r.key === key) ?? ZERO;
    const sessionsOf = (span: Span, d: Dimension, key: string): number | null => {
      if (d !== 'overall' && d !== 'theme') return null;
      return sessions.find((r: SessionRow) => r.span === spanOf(span) && r.dimension === d && r.key === key)?.sessions ?? 0;
    };
    const figuresOf = (d: Dimension, key: string) =>
      figures(
        values(factsOf('current', d, key), sessionsOf('current', d, key)),
        values(factsOf('previous', d, key), sessionsOf('previous', d, key)),
        values(factsOf('yearAgo', d, key), sessionsOf('yearAgo', d, key)),
      );
    const rows = (d: Dimension): BreakdownRowDto[] => {
      const keys = new Set<string>([...facts.filter((r) => r.dimension === d).map((r) => r.key)]);
      if (d === 'theme') for (const s of sessions) if (s.dimension === 'theme') keys.add(s.key);
      if (d === 'field') for (const k of Object.keys(FIELD_LABELS)) keys.add(k);
      return [...keys].sort().map((key) => ({ key, label: label(d, key), figures: figuresOf(d, key) }));
    };
    const trendFrom = LocalDate.parse(p.to).plusMonths(-11).toString().slice(0, 7) + '-01';
    const trendStart = trendFrom < p.from ? trendFrom : p.from;
    const trendRows = await monthlyTrend(this.db, trendStart, p.to);
    const trend = [];
    for (let m = LocalDate.parse(trendStart); !LocalDate.parse(p.to).isBefore(m); m = m.plusMonths(1)) {
      const month = m.toString().slice(0, 7);
      const r = trendRows.find((t) => t.month === month);
      trend.push(r ?? { month, listings: 0, lotsSold: 0, deals: 0, dealValueFen: '0', contractValueFen: '0' });
    }
    return {
      kind: p.kind,
      period: p.period,
      title: `${p.period} ${KIND_LABELS[p.kind]}`,
      from: p.from,
      to: p.to,
      previousPeriod: prev.period,
      yearAgoPeriod: ya.period,
      overall: figuresOf('overall', ''),
      breakdowns: { field: rows('field'), region: rows('region'), holderType: rows('holderType'), theme: rows('theme') },
      trend,
    };
  }
}
