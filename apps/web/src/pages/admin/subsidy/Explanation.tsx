import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../api/schema';
import { exactYuan, percent } from './area';

export type ExplanationData = components['schemas']['SubsidyExplanationDto'];

/** How the engine computed a subsidy, line by line (the same structure for a preview and an application). */
export function Explanation({ explanation }: { explanation: ExplanationData }) {
  const { t } = useTranslation();
  const y = (fen: string | null | undefined) => exactYuan(fen, t('money.yuan'));
  const e = explanation;
  const failed = e.conditions.find((c) => !c.passed);
  const lines: { key: string; text: string; bad?: boolean; indent?: boolean; strong?: boolean }[] = [];
  lines.push({ key: 'year', text: t('authority.explain.year', { year: e.year }) });
  lines.push({ key: 'conditions', text: t('authority.explain.conditions') });
  e.conditions.forEach((c, i) =>
    lines.push({
      key: `c${i}`,
      indent: true,
      bad: !c.passed,
      text: `${c.passed ? '✓' : '✗'} ${t(`authority.explain.conditionNames.${c.name}`, { defaultValue: c.name })} — ${t('authority.explain.actual', {
        actual: c.actual ?? '—',
        required: c.required,
      })}`,
    }),
  );
  lines.push({ key: 'base', text: t('authority.explain.base', { kind: t(`authority.policy.bases.${e.base.kind}`), amount: y(e.base.fen) }) });
  e.base.items.forEach((item, i) =>
    lines.push({
      key: `b${i}`,
      indent: true,
      text:
        t('authority.explain.item', { date: item.date, amount: y(item.amountFen) }) +
        (item.counted ? '' : t('authority.explain.itemExcluded', { why: t(`authority.explain.excluded.${item.excludedBecause}`) })),
    }),
  );
  lines.push({ key: 'rate', text: t('authority.explain.rate', { kind: t(`authority.policy.rateKinds.${e.rate.kind}`) }) });
  e.rate.steps.forEach((s, i) => {
    const args = { from: y(s.fromFen), to: y(s.toFen), portion: y(s.portionFen), rate: percent(s.rate), exact: y(s.exactFen) };
    const base =
      e.rate.kind === 'single'
        ? t('authority.explain.stepWhole', args)
        : e.rate.kind === 'banded'
          ? t(s.toFen === null ? 'authority.explain.stepBandedUp' : 'authority.explain.stepBanded', args)
          : s.toFen === null
            ? t('authority.explain.stepUp', args)
            : t('authority.explain.step', args);
    lines.push({ key: `r${i}`, indent: true, text: base + (s.cappedFen !== undefined ? t('authority.explain.stepCapped', { capped: y(s.cappedFen) }) : '') });
  });
  lines.push({ key: 'exact', text: t('authority.explain.exact', { amount: y(e.exactFen) }) });
  e.caps.forEach((c, i) =>
    lines.push({
      key: `cap${i}`,
      indent: true,
      text:
        t('authority.explain.cap', {
          name: t(`authority.explain.capNames.${c.name}`, { band: y(c.band) }),
          limit: y(c.limitFen),
          used: y(c.usedFen),
          available: y(c.availableFen),
        }) + (c.bit ? t('authority.explain.capBit') : ''),
    }),
  );
  if (failed)
    lines.push({
      key: 'failed',
      bad: true,
      text: t('authority.explain.notEligible', { name: t(`authority.explain.conditionNames.${failed.name}`, { defaultValue: failed.name }) }),
    });
  lines.push({ key: 'rounding', text: t('authority.explain.rounding', { exact: y(e.rounding.exactFen), rounded: y(e.rounding.roundedFen) }) });
  if (e.bands?.length) {
    lines.push({ key: 'bands', text: t('authority.explain.bands') });
    e.bands.forEach((b, i) => lines.push({ key: `s${i}`, indent: true, text: t('authority.explain.band', { from: y(b.fromFen), amount: y(b.amountFen) }) }));
  }
  lines.push({ key: 'amount', strong: true, text: t('authority.explain.amount', { amount: y(e.amountFen) }) });
  let n = 0;
  return (
    <div className="explanation" data-testid="explanation">
      {lines.map((l) => (
        <div key={l.key} data-line={l.key} style={{ paddingLeft: l.indent ? 28 : 0 }}>
          <Typography.Text type={l.bad ? 'danger' : undefined} strong={l.strong}>
            {l.indent ? l.text : `${++n}. ${l.text}`}
          </Typography.Text>
        </div>
      ))}
    </div>
  );
}
