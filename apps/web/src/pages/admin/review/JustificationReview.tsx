import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Segmented, Space, Table, Tag, Tooltip, Typography, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, call, errorText } from '../../../api/client';
import type { components } from '../../../api/schema';
import { registerArea } from '../../../i18n/area';
import { holderEn } from '../../../i18n/holder.en';
import { holderZh } from '../../../i18n/holder.zh';
import { reviewEn } from '../../../i18n/review.en';
import { reviewZh } from '../../../i18n/review.zh';
import { beijingDateTime } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';

registerArea('review', reviewZh, reviewEn);
registerArea('holder', holderZh, holderEn); // the category and status names

type Justification = components['schemas']['JustificationDto'];
type View = 'pending' | 'decided';
const COLORS: Record<string, string> = { pending: 'gold', approved: 'green', rejected: 'red' };

/** 正当理由审核: the queue (oldest first) with the achievement, the reason and its documents; approve with a period or reject with a reason; the history. */
export function JustificationReview() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [view, setView] = useState<View>('pending');
  const table = useServerTable(10);
  const [deciding, setDeciding] = useState<{ j: Justification; approve: boolean } | null>(null);
  const list = useQuery({
    queryKey: ['justifications', 'review', view, table.query],
    // the queue oldest first; "all" puts what is pending first, then the history latest first (the server's order)
    queryFn: () =>
      call(
        api.GET('/justifications', {
          params: { query: { ...(view === 'pending' ? { status: 'pending' as const } : {}), limit: table.state.limit, offset: table.state.offset } },
        }),
      ),
  });
  return (
    <div data-testid="justification-review">
      <Typography.Paragraph type="secondary">{t('review.explain')}</Typography.Paragraph>
      <Segmented<View>
        value={view}
        onChange={(v) => {
          setView(v);
          table.reset();
        }}
        options={[
          { value: 'pending', label: t('review.queue') },
          { value: 'decided', label: t('review.history') },
        ]}
        style={{ marginBottom: 12 }}
      />
      <Table<Justification>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        loading={list.isLoading}
        locale={{ emptyText: t('review.none') }}
        {...table.tableProps(list.data)}
        columns={[
          { title: t('review.holder'), dataIndex: 'holderName' },
          { title: t('review.achievement'), render: (_, j) => <Link to={`/achievement/${j.achievementId}`}>{j.achievementTitle}</Link> },
          { title: t('review.category'), render: (_, j) => t(`holder.just.categories.${j.category}`) },
          { title: t('review.explanation'), render: (_, j) => <div style={{ maxWidth: 280, whiteSpace: 'normal' }}>{j.explanation}</div> },
          { title: t('review.asked'), render: (_, j) => j.endsOn },
          {
            title: t('review.documents'),
            render: (_, j) =>
              j.documents.length ? (
                <Space direction="vertical" size={0}>
                  {j.documents.map((d) => (
                    <Tooltip key={d.sha256} title={`SHA-256 ${d.sha256}`}>
                      <span>
                        {d.name} <span className="muted">{Math.max(1, Math.round(d.sizeBytes / 1024))} KB</span>
                      </span>
                    </Tooltip>
                  ))}
                </Space>
              ) : (
                '—'
              ),
          },
          { title: t('review.submittedAt'), render: (_, j) => beijingDateTime(j.submittedAt) },
          {
            title: t('review.decision'),
            render: (_, j) =>
              j.status === 'pending' ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setDeciding({ j, approve: true })} data-testid="approve-justification">
                    {t('review.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => setDeciding({ j, approve: false })}>
                    {t('review.reject')}
                  </Button>
                </Space>
              ) : (
                <Tooltip title={t(`holder.just.statusExplain.${j.status}`)}>
                  <div>
                    <Tag color={COLORS[j.status]}>{t(`holder.just.status.${j.status}`)}</Tag>
                    <div className="muted">
                      {beijingDateTime(j.reviewedAt)} {j.reviewReason}
                    </div>
                  </div>
                </Tooltip>
              ),
          },
        ]}
      />
      <DecideModal
        deciding={deciding}
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          void message.success(t('review.done'));
          void qc.invalidateQueries({ queryKey: ['justifications'] });
        }}
      />
    </div>
  );
}

function DecideModal({ deciding, onClose, onDone }: { deciding: { j: Justification; approve: boolean } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string; endsOn?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const j = deciding?.j;
  return (
    <Modal
      open={!!deciding}
      title={deciding ? t(deciding.approve ? 'review.approveTitle' : 'review.rejectTitle', { title: j?.achievementTitle }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, danger: deciding ? !deciding.approve : false, ...({ 'data-testid': 'decide-ok' } as Record<string, string>) }}
      destroyOnHidden
    >
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ endsOn: j?.endsOn }}
        preserve={false}
        onFinish={(v) =>
          void (async () => {
            if (!deciding || !j) return;
            setBusy(true);
            setError(null);
            try {
              if (deciding.approve)
                await call(
                  api.POST('/justifications/{id}/approve', {
                    params: { path: { id: j.id } },
                    body: { reason: v.reason, ...(v.endsOn ? { endsOn: v.endsOn } : {}) },
                  }),
                );
              else await call(api.POST('/justifications/{id}/reject', { params: { path: { id: j.id } }, body: { reason: v.reason } }));
              onDone();
            } catch (err) {
              if (err instanceof ApiError && err.body.details?.length)
                form.setFields(err.body.details.map((d) => ({ name: d.field as 'reason', errors: [d.message] })));
              else setError(errorText(err));
            } finally {
              setBusy(false);
            }
          })()
        }
      >
        {j && (
          <Typography.Paragraph type="secondary">
            {j.holderName} · {t(`holder.just.categories.${j.category}`)} · {t('review.asked')} {j.endsOn}
          </Typography.Paragraph>
        )}
        {deciding?.approve && (
          <Form.Item name="endsOn" label={t('review.granted')} extra={t('review.endsOnHelp')}>
            <Input type="date" data-testid="decide-endsOn" />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('review.reason')} rules={[{ required: true, message: t('review.required') }, { max: 2000 }]}>
          <Input.TextArea rows={3} data-testid="decide-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
