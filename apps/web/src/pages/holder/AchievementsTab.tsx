import { useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Modal, Select, Space, Table, Typography, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, errorText } from '../../api/client';
import type { Achievement } from '../../api/types';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { RuleTag } from '../../components/RuleTag';
import { useServerTable } from '../../lib/useServerTable';
import { AchievementForm } from './AchievementForm';
import { HistoryDrawer } from './HistoryDrawer';
import { RegistrationTag } from './shared';

type Status = 'draft' | 'registered' | 'withdrawn';

/** My achievements: a server-paged table with each one's P-REG standing, what falls due this week, register / edit / withdraw. */
export function AchievementsTab({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const table = useServerTable(10);
  const [status, setStatus] = useState<Status | undefined>();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Achievement | null | undefined>(undefined);
  const [withdrawing, setWithdrawing] = useState<Achievement | null>(null);
  const [historyOf, setHistoryOf] = useState<Achievement | null>(null);
  const query = {
    ...table.query,
    ...(status ? { registrationStatus: status } : {}),
    ...(q ? { q } : {}),
  } as {
    limit: number;
    offset: number;
    registrationStatus?: Status;
    q?: string;
    sort?: 'createdAt' | 'obtainedOn' | 'title' | 'deadline';
    order?: 'asc' | 'desc';
  };
  const page = useQuery({ queryKey: ['holder-achievements', query], queryFn: () => call(api.GET('/achievements', { params: { query } })) });
  const due = useQuery({
    queryKey: ['holder-achievements', 'due'],
    queryFn: () => call(api.GET('/achievements', { params: { query: { dueWithinDays: 7, sort: 'deadline', order: 'asc', limit: 100 } } })),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['holder-achievements'] });

  const submitDraft = async (a: Achievement) => {
    try {
      await call(api.POST('/achievements/{id}/register', { params: { path: { id: a.id } } }));
      void message.success(t('holder.form.registered'));
      refresh();
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  if (page.error) return <QueryError error={page.error} onRetry={() => void page.refetch()} />;
  return (
    <div>
      <Card size="small" title={t('holder.list.dueWeek')} style={{ marginBottom: 16 }} data-testid="due-week">
        {due.data?.items.length ? (
          <List
            size="small"
            dataSource={due.data.items}
            renderItem={(a) => (
              <List.Item
                actions={[
                  <Button key="r" size="small" type="primary" onClick={() => void submitDraft(a)}>
                    {t('holder.list.submitDraft')}
                  </Button>,
                ]}
              >
                <Space>
                  <RegistrationTag a={a} />
                  {a.title}
                  <span className="muted">
                    {t('holder.list.deadline')} {a.registration.deadline}
                  </span>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Typography.Text type="secondary">{t('holder.list.dueWeekNone')}</Typography.Text>
        )}
      </Card>
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('holder.list.search')}
          onSearch={(v) => {
            setQ(v.trim());
            table.reset();
          }}
          style={{ width: 260 }}
        />
        <Select
          allowClear
          placeholder={t('holder.list.all')}
          style={{ width: 160 }}
          value={status}
          onChange={(v?: Status) => {
            setStatus(v);
            table.reset();
          }}
          options={(['draft', 'registered', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`holder.reg.${s}`) }))}
        />
        <Button type="primary" onClick={() => setEditing(null)} data-testid="register-achievement">
          {t('holder.list.register')}
        </Button>
      </Space>
      <Table<Achievement>
        size="small"
        rowKey="id"
        loading={page.isLoading}
        scroll={{ x: true }}
        {...table.tableProps(page.data)}
        data-testid="achievements-table"
        columns={[
          { key: 'title', title: t('holder.list.title'), sorter: true, render: (_, a) => <Link to={`/achievement/${a.id}`}>{a.title}</Link> },
          { key: 'obtainedOn', title: t('holder.list.obtainedOn'), sorter: true, dataIndex: 'obtainedOn' },
          { key: 'deadline', title: t('holder.list.deadline'), sorter: true, render: (_, a) => a.registration.deadline },
          {
            key: 'registration',
            title: t('holder.list.registration'),
            render: (_, a) => (
              <Space size={4}>
                <span>{t(`holder.reg.${a.registration.status}`)}</span>
                <RegistrationTag a={a} />
              </Space>
            ),
          },
          { key: 'rule', title: t('holder.list.rule'), render: (_, a) => <RuleTag state={a.ruleState} /> },
          { key: 'price', title: t('holder.form.askingPrice'), render: (_, a) => <Money fen={a.askingPriceFen} /> },
          {
            key: 'actions',
            title: t('holder.common.actions'),
            render: (_, a) => (
              <Space size={0}>
                {a.registration.status !== 'withdrawn' && (
                  <Button size="small" type="link" onClick={() => setEditing(a)}>
                    {t('holder.common.edit')}
                  </Button>
                )}
                <Button size="small" type="link" onClick={() => setHistoryOf(a)} data-testid="open-history">
                  {t('holder.history.open')}
                </Button>
                {a.registration.status === 'draft' && (
                  <Button size="small" type="link" onClick={() => void submitDraft(a)}>
                    {t('holder.list.submitDraft')}
                  </Button>
                )}
                {isAdmin && a.registration.status !== 'withdrawn' && !a.publiclyFunded && (
                  <Button size="small" type="link" danger onClick={() => setWithdrawing(a)}>
                    {t('holder.list.withdraw')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <AchievementForm
        open={editing !== undefined}
        editing={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          refresh();
        }}
      />
      <WithdrawModal a={withdrawing} onClose={() => setWithdrawing(null)} onDone={refresh} />
      <HistoryDrawer achievement={historyOf} canRecord={isAdmin} onClose={() => setHistoryOf(null)} />
    </div>
  );
}

function WithdrawModal({ a, onClose, onDone }: { a: Achievement | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={!!a}
      title={`${t('holder.list.withdraw')}：${a?.title ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ danger: true }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon message={t('holder.list.withdrawConfirm')} style={{ marginBottom: 12 }} />
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          void (async () => {
            try {
              await call(api.POST('/achievements/{id}/withdraw', { params: { path: { id: a!.id } }, body: v }));
              onDone();
              onClose();
            } catch (err) {
              setError(errorText(err));
            }
          })()
        }
      >
        <Form.Item name="reason" label={t('holder.list.withdrawReason')} rules={[{ required: true, message: t('holder.form.required') }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
