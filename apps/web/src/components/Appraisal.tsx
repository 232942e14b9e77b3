import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema';
import { registerArea } from '../i18n/area';
import { appraisalEn } from '../i18n/appraisal.en';
import { appraisalZh } from '../i18n/appraisal.zh';
import { Money } from './Money';

registerArea('appraisal', appraisalZh, appraisalEn);

export type AppraisalView = components['schemas']['AppraisalDto'];

/** 资产评估 (P-PRICE) beside a price: the appraised value, who appraised it and when, the report and its SHA-256. */
export function Appraisal({ appraisal, priceFen }: { appraisal: AppraisalView | null | undefined; priceFen?: string | null }) {
  const { t } = useTranslation();
  if (!appraisal) return <span className="muted">{t('appraisal.none')}</span>;
  const value = BigInt(appraisal.valueFen);
  const percent = priceFen && value > 0n ? Number((BigInt(priceFen) * 1000n) / value) / 10 : null;
  return (
    <div data-testid="appraisal">
      <Money fen={appraisal.valueFen} strong />
      {percent !== null ? <span className="muted"> · {t('appraisal.ratio', { percent })}</span> : null}
      <div className="muted" style={{ fontSize: 12 }}>
        {t('appraisal.appraiser')}：{appraisal.appraiser} · {t('appraisal.appraisedOn')}：{appraisal.appraisedOn}
      </div>
      <div className="muted" style={{ fontSize: 12 }}>
        {t('appraisal.document')}：{appraisal.documentName} ·{' '}
        <Tooltip title={appraisal.documentSha256}>
          <code>SHA-256 {appraisal.documentSha256.slice(0, 12)}…</code>
        </Tooltip>
      </div>
      <div className="muted" style={{ fontSize: 12 }}>
        {t('appraisal.rule')}
      </div>
    </div>
  );
}
