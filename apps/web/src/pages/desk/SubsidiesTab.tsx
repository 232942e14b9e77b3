import { Button, Empty, Table, Tag, Typography, message } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call, errorText } from '../../api/client';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/ErrorPage';

interface Candidate {
  id: string;
  policy: { id: string; name: string; authorityName: string };
  subjectType: 'contract' | 'research_funding';
  subjectId: string;
  year: number;
  eligible: boolean;
  failedCondition: string | null;
  amountFen: string;
  applicationId: string | null;
  applicationStatus: string | null;
}

interface Application {
  id: string;
  status: string;
  amountFen?: string;
  requestedFen?: string;
  policy?: { name: string };
  createdAt?: string;
}

const items = <T,>(answer: unknown): T[] => (Array.isArray(answer) ? (answer as T[]) : ((answer as { items: T[] }).items ?? []));

/** The subsidies the enterprise may claim (from the sweep: the contract's actual transaction value), and its applications. */
export function SubsidiesTab({ canApply }: { canApply: boolean }) {
  const { t } = useTranslation();
  const candidates = useQuery({ queryKey: ['subsidy-candidates'], queryFn: async () => items<Candidate>(await call(api.GET('/subsidy-candidates'))) });
  const applications = useQuery({ queryKey: ['subsidy-applications'], queryFn: async () => items<Application>(await call(api.GET('/subsidy-applications'))) });
  if (candidates.error) return <QueryError error={candidates.error} onRetry={() => void candidates.refetch()} />;
  const apply = async (c: Candidate) => {
    try {
      await call(
        api.POST('/subsidy-applications', {
          body: { policyId: c.policy.id, subjectType: c.subjectType, subjectId: c.subjectId, year: c.year, attachments: [] } as never,
        }),
      );
      void message.success(t('subsidy.applied'));
      await Promise.all([candidates.refetch(), applications.refetch()]);
    } catch (err) {
      void message.error(errorText(err));
    }
  };
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
                  <Button size="small" onClick={() => void apply(c)}>
                    {t('subsidy.apply')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
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
            { title: t('subsidy.policy'), render: (_: unknown, a: Application) => a.policy?.name ?? a.id.slice(0, 8) },
            { title: t('subsidy.amount'), render: (_: unknown, a: Application) => <Money fen={a.amountFen ?? a.requestedFen ?? null} /> },
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

interface FreeLicenseApplication {
  id: string;
  achievementId: string;
  status: string;
  createdAt?: string;
  achievementTitle?: string;
}

export function FreeLicensesTab() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['free-license-applications'],
    queryFn: async () => items<FreeLicenseApplication>(await call(api.GET('/free-license-applications'))),
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
            { title: t('bids.lot'), render: (_: unknown, a: FreeLicenseApplication) => a.achievementTitle ?? a.achievementId.slice(0, 8) },
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
