import { useState } from 'react';
import { Button, Empty, Table, Tag, Typography } from 'antd';
import { ApplyModal } from './ApplyModal';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import type { FreeLicenseApplication, SubsidyApplication, SubsidyCandidate } from '../../api/types';

type Candidate = SubsidyCandidate;
type Application = SubsidyApplication;

/** The subsidies the enterprise may claim (from the sweep: the contract's actual transaction value), and its applications. */
export function SubsidiesTab({ canApply }: { canApply: boolean }) {
  const { t } = useTranslation();
  const candidates = useQuery({
    queryKey: ['subsidy-candidates'],
    queryFn: async () => (await call(api.GET('/subsidy-candidates', { params: { query: { limit: 100 } } }))).items,
  });
  const applications = useQuery({
    queryKey: ['subsidy-applications'],
    queryFn: async () => (await call(api.GET('/subsidy-applications', { params: { query: { limit: 100 } } }))).items,
  });
  if (candidates.error) return <QueryError error={candidates.error} onRetry={() => void candidates.refetch()} />;
  const [applying, setApplying] = useState<Candidate | null>(null);
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('subsidy.explain')}</Typography.Paragraph>
      <Typography.Title level={5}>{t('subsidy.candidates')}</Typography.Title>
      {!candidates.data?.length ? (
        <Empty description={t('subsidy.none')} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          scroll={{ x: true }}
          pagination={false}
          dataSource={candidates.data}
          columns={[
            {
              title: t('subsidy.policy'),
              render: (_: unknown, c: Candidate) => (
                <>
                  {c.policy.name}
                  <div className="muted">
                    {c.policy.authorityName} · {c.year}
                  </div>
                </>
              ),
            },
            { title: t('subsidy.amount'), render: (_: unknown, c: Candidate) => <Money fen={c.amountFen} /> },
            {
              title: t('subsidy.status'),
              render: (_: unknown, c: Candidate) =>
                c.eligible ? <Tag color="green">{t('subsidy.eligible')}</Tag> : <Tag>{t('subsidy.notEligible', { reason: c.failedCondition ?? '' })}</Tag>,
            },
            {
              title: '',
              render: (_: unknown, c: Candidate) =>
                c.applicationId ? (
                  <Tag>{t(`status.application.${c.applicationStatus}`, { defaultValue: c.applicationStatus ?? '' })}</Tag>
                ) : c.eligible && canApply ? (
                  <Button size="small" data-testid="apply-subsidy" onClick={() => setApplying(c)}>
                    {t('subsidy.apply')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <ApplyModal
        candidate={applying}
        onClose={() => setApplying(null)}
        onDone={() => {
          setApplying(null);
          void Promise.all([candidates.refetch(), applications.refetch()]);
        }}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('subsidy.applications')}
      </Typography.Title>
      {!applications.data?.length ? (
        <Empty description={t('subsidy.none')} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          scroll={{ x: true }}
          pagination={false}
          dataSource={applications.data}
          columns={[
            { title: t('subsidy.policy'), render: (_: unknown, a: Application) => a.policy.name },
            { title: t('subsidy.amount'), render: (_: unknown, a: Application) => <Money fen={a.approvedFen ?? a.recommendedFen ?? a.computedFen} /> },
            {
              title: t('subsidy.status'),
              render: (_: unknown, a: Application) => <Tag>{t(`status.application.${a.status}`, { defaultValue: a.status })}</Tag>,
            },
          ]}
        />
      )}
    </div>
  );
}

export function FreeLicensesTab() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['free-license-applications'],
    queryFn: async () => (await call(api.GET('/free-license-applications', { params: { query: { limit: 100 } } }))).items,
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('freeLicense.explain')}</Typography.Paragraph>
      {!list.data?.length ? (
        <Empty description={t('freeLicense.none')} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={list.data}
          columns={[
            { title: t('bids.lot'), render: (_: unknown, a: FreeLicenseApplication) => a.achievementTitle },
            {
              title: t('subsidy.status'),
              render: (_: unknown, a: FreeLicenseApplication) => <Tag>{t(`status.application.${a.status}`, { defaultValue: a.status })}</Tag>,
            },
          ]}
        />
      )}
    </div>
  );
}
