import { Alert, Button, Card, Descriptions, Skeleton, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { QueryError } from '../components/QueryError';
import { Appraisal } from '../components/Appraisal';
import { Money } from '../components/Money';
import { RuleTag } from '../components/RuleTag';
import { useCurrentUser } from '../components/AppLayout';
import { hasRole } from '../lib/auth';
import { FreeLicenseButton } from './FreeLicenseButton';
import { businessDate } from '../lib/format';

/** Chinese patent numbers as the patent office prints them: ZL + the application number with its check digit. */
function patentNumber(type: string, number: string | null | undefined): string {
  if (!number) return '—';
  return ['invention_patent', 'utility_model', 'design_patent'].includes(type) && !number.startsWith('ZL') ? `ZL${number}` : number;
}

export default function AchievementPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const user = useCurrentUser();
  const achievement = useQuery({ queryKey: ['achievement', id], queryFn: () => call(api.GET('/achievements/{id}', { params: { path: { id } } })) });
  const listings = useQuery({
    queryKey: ['listings', id],
    queryFn: async () => {
      return (await call(api.GET('/listings', { params: { query: { achievementId: id, limit: 100 } } }))).items;
    },
  });
  const holder = useQuery({
    queryKey: ['holder-of', achievement.data?.holderId],
    enabled: !!achievement.data,
    queryFn: () => call(api.GET('/catalogue', { params: { query: { holderId: achievement.data!.holderId, limit: 1 } } })),
  });
  if (achievement.error) return <QueryError error={achievement.error} onRetry={() => void achievement.refetch()} />;
  if (!achievement.data) return <Skeleton active />;
  const a = achievement.data;
  const listing = listings.data?.find((l) => l.status === 'active' || l.status === 'suspended');
  return (
    <div data-testid="achievement">
      <Space wrap style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>{a.title}</h2>
        <RuleTag state={a.ruleState} />
      </Space>
      <p style={{ color: '#444' }}>{a.abstract}</p>
      <Card size="small" title={t('achievement.rules')} style={{ marginBottom: 12 }}>
        <Alert
          type={a.ruleState === 'clear' ? 'info' : 'warning'}
          showIcon
          message={
            <>
              {t(`status.rule.${a.ruleState}`)}
              {a.ruleStateSince ? ` · ${t('achievement.ruleSince', { date: businessDate(a.ruleStateSince.slice(0, 10)) })}` : ''}
            </>
          }
          description={t(`status.ruleExplain.${a.ruleState}`)}
          action={a.ruleState === 'free_license_eligible' && hasRole(user, 'enterprise_admin') ? <FreeLicenseButton achievementId={a.id} /> : undefined}
        />
      </Card>
      <Card size="small" title={t('achievement.listing')} style={{ marginBottom: 12 }} data-testid="listing">
        {!listing ? (
          t('achievement.noListing')
        ) : (
          <Descriptions column={{ xs: 1, sm: 2 }} size="small">
            <Descriptions.Item label={t('achievement.listing')}>
              <Tag>{t(`status.listing.${listing.status}`, { defaultValue: listing.status })}</Tag>
              {listing.forced ? <Tag color="orange">{listing.ruleClause}</Tag> : null}
            </Descriptions.Item>
            {listing.priceFen ? (
              <Descriptions.Item label={t('achievement.fixedPrice')}>
                <Money fen={listing.priceFen} strong />
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('appraisal.label')} span={2}>
              <Appraisal appraisal={listing.appraisal} priceFen={listing.priceFen} />
            </Descriptions.Item>
            {listing.priceDeadline ? <Descriptions.Item label={t('achievement.priceDeadline')}>{listing.priceDeadline}</Descriptions.Item> : null}
            {listing.lotId ? (
              <Descriptions.Item label={t('lot.room')}>
                <Link to={`/lot/${listing.lotId}`}>
                  <Button type="primary" size="small">
                    {t('achievement.toLot')}
                  </Button>
                </Link>
              </Descriptions.Item>
            ) : null}
          </Descriptions>
        )}
      </Card>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions column={{ xs: 1, sm: 2 }} size="small">
          <Descriptions.Item label={t('achievement.holder')}>{holder.data?.items[0]?.holder.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('achievement.field')}>{t(`enums.field.${a.technicalField}`)}</Descriptions.Item>
          <Descriptions.Item label={t('achievement.maturity')}>{t(`enums.maturity.${a.maturity}`, { defaultValue: a.maturity })}</Descriptions.Item>
          <Descriptions.Item label={t('achievement.inventors')}>{a.inventors.join('、') || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('achievement.keywords')}>{a.keywords.join('、')}</Descriptions.Item>
          <Descriptions.Item label="IPC">{a.ipcClasses.join('；')}</Descriptions.Item>
          {a.askingPriceFen ? (
            <Descriptions.Item label={t('achievement.askingPrice')}>
              <Money fen={a.askingPriceFen} />
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      </Card>
      <Card size="small" title={t('achievement.ipRights')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: true }}
          dataSource={a.ipRights}
          columns={[
            { title: t('search.ipType'), dataIndex: 'type', render: (v: string) => t(`enums.ipType.${v}`) },
            { title: t('achievement.number'), render: (_: unknown, r) => patentNumber(r.type, r.number) },
            { title: t('achievement.grantedOn'), dataIndex: 'grantedOn', render: (v: string | null) => businessDate(v) },
            { title: t('achievement.status'), dataIndex: 'status', render: (v: string) => t(`status.ipRight.${v}`) },
          ]}
        />
      </Card>
    </div>
  );
}
