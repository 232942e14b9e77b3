import { useEffect, useState } from 'react';
import { Button, Empty, Input, InputNumber, Select, Skeleton, Space, Tag } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { CatalogueItem } from '../api/types';
import { QueryError } from '../components/ErrorPage';
import { Money } from '../components/Money';
import { RuleTag } from '../components/RuleTag';
import { fenFromYuan, yuanNumber } from '../lib/format';
import { ZHEJIANG_CITIES } from '../lib/regions';

const FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
const IP_TYPES = ['invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'plant_variety', 'ic_layout', 'technical_secret'] as const;
const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;
const PAGE_SIZE = 20;

/** Typing in the search box updates the URL (and the query) once the user pauses, not once per keystroke. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

const bool = (v: string | null) => (v === 'true' ? true : v === 'false' ? false : undefined);

export default function SearchPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 150);
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);

  const update = (changes: Record<string, string | undefined>, keepPage = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!keepPage) next.delete('page');
    setParams(next, { replace: true });
  };
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) update({ q: q || undefined });
  }, [q]);

  const query = {
    q: q || undefined,
    field: (params.get('field') || undefined) as (typeof FIELDS)[number] | undefined,
    region: params.get('region') || undefined,
    ipType: (params.get('ipType') || undefined) as (typeof IP_TYPES)[number] | undefined,
    ipc: params.get('ipc') || undefined,
    useFirst: bool(params.get('useFirst')),
    freeLicenseEligible: bool(params.get('freeLicenseEligible')),
    minPriceFen: params.get('minPriceFen') || undefined,
    maxPriceFen: params.get('maxPriceFen') || undefined,
    sort: (params.get('sort') || undefined) as (typeof SORTS)[number] | undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const results = useQuery({
    queryKey: ['catalogue', query],
    queryFn: ({ signal }) => call(api.GET('/catalogue', { params: { query }, signal })), // a newer query cancels the older one
    placeholderData: keepPreviousData,
  });

  const yesNo = [
    { value: 'true', label: t('search.yes') },
    { value: 'false', label: t('search.no') },
  ];
  const price = (key: 'minPriceFen' | 'maxPriceFen') => (
    <InputNumber
      style={{ width: '100%' }}
      min={0}
      precision={2}
      placeholder={t(key === 'minPriceFen' ? 'search.minPrice' : 'search.maxPrice')}
      value={yuanNumber(params.get(key))}
      formatter={(v) => (v === undefined || v === null ? '' : String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ','))}
      parser={(v) => (v ?? '').replace(/,/g, '') as unknown as number}
      onChange={(v) => update({ [key]: v === null || v === undefined ? undefined : (fenFromYuan(String(v))?.toString() ?? undefined) })}
      addonBefore={t(key === 'minPriceFen' ? 'search.minPrice' : 'search.maxPrice')}
    />
  );

  return (
    <div>
      <Input.Search
        size="large"
        allowClear
        data-testid="search-box"
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => {
          setText(v);
          update({ q: v.trim() || undefined });
        }}
      />
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
        <Button
          onClick={() => {
            setText('');
            setParams(new URLSearchParams(), { replace: true });
          }}
        >
          {t('search.reset')}
        </Button>
      </div>

      {results.error ? (
        <QueryError error={results.error} onRetry={() => void results.refetch()} />
      ) : results.isPending ? (
        <Skeleton active />
      ) : (
        <>
          <div className="muted" data-testid="result-count" style={{ margin: '8px 0' }}>
            {results.data.totalIsExact
              ? t('search.results', { total: results.data.total.toLocaleString('en-US') })
              : t('search.resultsCapped', { total: `${results.data.total.toLocaleString('en-US')}+` })}
          </div>
          {results.data.items.length === 0 ? (
            <Empty description={t('search.empty')} />
          ) : (
            <div>
              {results.data.items.map((item: CatalogueItem) => (
                <div key={item.id} data-testid="search-result" className="plain-card" style={{ marginBottom: 8 }}>
                  <Link to={`/achievement/${item.id}`} style={{ fontWeight: 600, fontSize: 16 }}>
                    {item.title}
                  </Link>
                  <div className="muted" style={{ margin: '4px 0' }}>
                    {item.holder.name} · {t(`enums.field.${item.technicalField}`)} · {item.ipTypes.map((x) => t(`enums.ipType.${x}`)).join('、')}
                  </div>
                  <div style={{ color: '#555' }}>{item.abstract}</div>
                  <Space wrap style={{ marginTop: 6 }}>
                    <RuleTag state={item.ruleState} />
                    {item.keywords.map((k) => (
                      <Tag key={k}>{k}</Tag>
                    ))}
                    {item.listing?.priceFen ? (
                      <span>
                        {t('achievement.fixedPrice')}: <Money fen={item.listing.priceFen} strong />
                      </span>
                    ) : item.askingPriceFen ? (
                      <span>
                        {t('achievement.askingPrice')}: <Money fen={item.askingPriceFen} />
                      </span>
                    ) : null}
                  </Space>
                </div>
              ))}
            </div>
          )}
          <div className="pager">
            <Button disabled={page <= 1} onClick={() => update({ page: String(page - 1) }, true)} data-testid="page-prev">
              {t('search.prev')}
            </Button>
            <span className="muted">{t('search.page', { page, pages: Math.max(1, Math.ceil(results.data.total / PAGE_SIZE)) })}</span>
            <Button disabled={page * PAGE_SIZE >= results.data.total} onClick={() => update({ page: String(page + 1) }, true)} data-testid="page-next">
              {t('search.next')}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
