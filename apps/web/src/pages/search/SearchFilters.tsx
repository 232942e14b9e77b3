import { Button, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { fenFromYuan, yuanNumber } from '../../lib/format';
import { ZHEJIANG_CITIES } from '../../lib/regions';

const FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
const IP_TYPES = ['invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'plant_variety', 'ic_layout', 'technical_secret'] as const;
const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;

/** Every filter of GET /catalogue, kept in the URL (so a search can be shared and reloaded). */
export default function SearchFilters({
  params,
  update,
  onReset,
}: {
  params: URLSearchParams;
  update: (changes: Record<string, string | undefined>) => void;
  onReset: () => void;
}) {
  const { t, i18n } = useTranslation();
  const query = {
    field: params.get('field') || undefined,
    region: params.get('region') || undefined,
    ipType: params.get('ipType') || undefined,
    ipc: params.get('ipc') || undefined,
    sort: params.get('sort') || undefined,
  };
  const yesNo = [
    { value: 'true', label: t('search.yes') },
    { value: 'false', label: t('search.no') },
  ];
  const price = (key: 'minPriceFen' | 'maxPriceFen') => (
    <Input
      allowClear
      inputMode="decimal"
      placeholder={t(key === 'minPriceFen' ? 'search.minPrice' : 'search.maxPrice')}
      defaultValue={params.get(key) ? String(yuanNumber(params.get(key))) : undefined}
      onBlur={(e) => update({ [key]: fenFromYuan(e.target.value)?.toString() ?? undefined })}
      onPressEnter={(e) => update({ [key]: fenFromYuan(e.currentTarget.value)?.toString() ?? undefined })}
      addonBefore={t(key === 'minPriceFen' ? 'search.minPrice' : 'search.maxPrice')}
      addonAfter={t('money.yuan')}
    />
  );

  return (
    <div className="filters">
      <Select
        allowClear
        placeholder={t('search.field')}
        value={query.field}
        onChange={(v) => update({ field: v })}
        options={FIELDS.map((f) => ({ value: f, label: t(`enums.field.${f}`) }))}
      />
      <Select
        allowClear
        placeholder={t('search.region')}
        value={query.region}
        onChange={(v) => update({ region: v })}
        options={ZHEJIANG_CITIES.map((c) => ({ value: c.code, label: i18n.language === 'en' ? c.en : c.zh }))}
      />
      <Select
        allowClear
        placeholder={t('search.ipType')}
        value={query.ipType}
        onChange={(v) => update({ ipType: v })}
        options={IP_TYPES.map((f) => ({ value: f, label: t(`enums.ipType.${f}`) }))}
      />
      <Input
        allowClear
        placeholder={t('search.ipcPlaceholder')}
        addonBefore={t('search.ipc')}
        defaultValue={query.ipc}
        onBlur={(e) => update({ ipc: e.target.value.trim() || undefined })}
        onPressEnter={(e) => update({ ipc: e.currentTarget.value.trim() || undefined })}
      />
      <Select
        allowClear
        placeholder={t('search.useFirst')}
        value={params.get('useFirst') ?? undefined}
        onChange={(v) => update({ useFirst: v })}
        options={yesNo}
      />
      <Select
        allowClear
        placeholder={t('search.freeLicense')}
        value={params.get('freeLicenseEligible') ?? undefined}
        onChange={(v) => update({ freeLicenseEligible: v })}
        options={yesNo}
      />
      {price('minPriceFen')}
      {price('maxPriceFen')}
      <Select
        placeholder={t('search.sort')}
        value={query.sort}
        allowClear
        onChange={(v) => update({ sort: v })}
        options={SORTS.map((s) => ({ value: s, label: t(`search.sorts.${s}`) }))}
      />
      <Button onClick={onReset}>{t('search.reset')}</Button>
    </div>
  );
}
