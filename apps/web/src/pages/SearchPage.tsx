import { lazy, Suspense, useEffect, useState } from 'react';
import { Button, Empty, Input, Skeleton, Space, Tag } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { CatalogueItem } from '../api/types';
import type { operations } from '../api/schema';
import { QueryError } from '../components/QueryError';
import { Money } from '../components/Money';
import { RuleTag } from '../components/RuleTag';

const SearchFilters = lazy(() => import('./search/SearchFilters'));

type CatalogueQuery = NonNullable<operations['CatalogueController_search']['parameters']['query']>;
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
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 150);
  const activeFilters = ['field', 'region', 'ipType', 'ipc', 'useFirst', 'freeLicenseEligible', 'minPriceFen', 'maxPriceFen', 'sort'].filter((k) =>
    params.has(k),
  ).length;
  // the filters (Ant Design's selects) load when opened: the search box and the results come first
  const [showFilters, setShowFilters] = useState(activeFilters > 0);
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
    field: (params.get('field') || undefined) as CatalogueQuery['field'],
    region: params.get('region') || undefined,
    ipType: (params.get('ipType') || undefined) as CatalogueQuery['ipType'],
    ipc: params.get('ipc') || undefined,
    useFirst: bool(params.get('useFirst')),
    freeLicenseEligible: bool(params.get('freeLicenseEligible')),
    minPriceFen: params.get('minPriceFen') || undefined,
    maxPriceFen: params.get('maxPriceFen') || undefined,
    sort: (params.get('sort') || undefined) as CatalogueQuery['sort'],
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const results = useQuery({
    queryKey: ['catalogue', query],
    queryFn: ({ signal }) => call(api.GET('/catalogue', { params: { query }, signal })), // a newer query cancels the older one
    placeholderData: keepPreviousData,
  });

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
      <div style={{ margin: '8px 0' }}>
        <Button size="small" onClick={() => setShowFilters((v) => !v)} data-testid="toggle-filters">
          {t('search.filters')}
          {activeFilters ? `（${activeFilters}）` : ''}
        </Button>
      </div>
      {showFilters ? (
        <Suspense fallback={<Skeleton.Input active block />}>
          <SearchFilters
            params={params}
            update={update}
            onReset={() => {
              setText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          />
        </Suspense>
      ) : null}
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
