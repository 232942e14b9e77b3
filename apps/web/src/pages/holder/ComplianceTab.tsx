import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import type { Achievement } from '../../api/types';
import { RuleTag } from '../../components/RuleTag';
import { beijingDateTime } from '../../lib/format';
import { useServerTable } from '../../lib/useServerTable';
import { NotificationsTab } from '../desk/NotificationsTab';
import { beijingToday, type Doc, DocumentsInput, showFieldErrors } from './shared';

type Justification = components['schemas']['JustificationDto'];
type RuleState = 'use_first' | 'free_license_eligible' | 'suspended';
const CATEGORIES = ['negotiation_in_progress', 'confidentiality', 'litigation_or_dispute', 'further_development', 'other'] as const;
const JUST_COLORS: Record<string, string> = { pending: 'gold', approved: 'green', rejected: 'red' };

/** The platform's forced listing of an achievement (P-2Y), if any, with its notice / price deadline. */
function ForcedListing({ achievementId }: { achievementId: string }) {
  const { t } = useTranslation();
  const listings = useQuery({
    queryKey: ['listings-of', achievementId],
    queryFn: () => call(api.GET('/listings', { params: { query: { achievementId, limit: 20 } } })),
  });
  const forced = listings.data?.items.filter((l) => l.forced) ?? [];
  if (!forced.length) return <span className="muted">{t('holder.compliance.forcedNone')}</span>;
  return (
    <Space direction="vertical" size={0}>
      {forced.map((l) => (
        <Tooltip key={l.id} title={l.ruleClause ?? ''}>
          <span>
            <Tag>{t(`status.listing.${l.status}`, { defaultValue: l.status })}</Tag>
            {l.priceDeadline && <span className="muted">{t('holder.compliance.notice', { date: l.priceDeadline })}</span>}
          </span>
        </Tooltip>
      ))}
    </Space>
  );
}

function RuleList({ state, title, onJustify }: { state: RuleState; title: string; onJustify: (a: Achievement) => void }) {
  const { t } = useTranslation();
  const table = useServerTable(5);
  const page = useQuery({
    queryKey: ['holder-achievements', 'rule', state, table.query],
    queryFn: () =>
      call(
        api.GET('/achievements', {
          params: { query: { limit: table.state.limit, offset: table.state.offset, ruleState: state, registrationStatus: 'registered' } },
        }),
      ),
  });
  return (
    <div style={{ marginBottom: 16 }} data-testid={`rule-${state}`}>
      <Typography.Title level={5}>
        {title} <span className="muted">({page.data?.total ?? 0})</span>
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
        {t(`status.ruleExplain.${state}`)}
      </Typography.Paragraph>
      <Table<Achievement>
        size="small"
        rowKey="id"
        {...table.tableProps(page.data)}
        columns={[
          { title: t('holder.list.title'), render: (_, a) => <Link to={`/achievement/${a.id}`}>{a.title}</Link> },
          { title: t('holder.list.rule'), render: (_, a) => <RuleTag state={a.ruleState} /> },
          { title: t('holder.compliance.since'), render: (_, a) => a.ruleStateSince ?? '—' },
          { title: t('holder.compliance.forced'), render: (_, a) => <ForcedListing achievementId={a.id} /> },
          {
            title: '',
            render: (_, a) =>
              state !== 'suspended' && (
                <Button size="small" onClick={() => onJustify(a)} data-testid="justify">
                  {t('holder.compliance.justify')}
                </Button>
              ),
          },
        ]}
      />
    </div>
  );
}

/** Compliance: the use-first list and since when, P-3Y eligibility, forced listings, notices; justified reasons submitted and followed. */
export function ComplianceTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [justifying, setJustifying] = useState<Achievement | null>(null);
  const table = useServerTable(10);
  const justifications = useQuery({
    queryKey: ['justifications', 'mine', table.query],
    queryFn: () => call(api.GET('/justifications', { params: { query: table.query } })),
  });
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('holder.compliance.explain')}</Typography.Paragraph>
      <RuleList state="use_first" title={t('holder.compliance.useFirst')} onJustify={setJustifying} />
      <RuleList state="free_license_eligible" title={t('holder.compliance.freeLicense')} onJustify={setJustifying} />
      <RuleList state="suspended" title={t('holder.compliance.suspended')} onJustify={setJustifying} />
      <Typography.Title level={5}>{t('holder.compliance.justifications')}</Typography.Title>
      <Table<Justification>
        size="small"
        rowKey="id"
        data-testid="my-justifications"
        {...table.tableProps(justifications.data)}
        columns={[
          { title: t('holder.just.achievement'), render: (_, j) => <Link to={`/achievement/${j.achievementId}`}>{j.achievementTitle}</Link> },
          { title: t('holder.just.category'), render: (_, j) => t(`holder.just.categories.${j.category}`) },
          { title: t('holder.just.period'), render: (_, j) => `${j.startsOn ?? beijingDateTime(j.submittedAt).slice(0, 10)} ~ ${j.endsOn}` },
          { title: t('holder.just.documents'), render: (_, j) => j.documents.map((d) => d.name).join('、') || '—' },
          {
            title: t('holder.list.registration'),
            render: (_, j) => (
              <Tooltip title={t(`holder.just.statusExplain.${j.status}`)}>
                <Tag color={JUST_COLORS[j.status]} data-testid="justification-status">
                  {t(`holder.just.status.${j.status}`)}
                </Tag>
              </Tooltip>
            ),
          },
          { title: t('holder.just.review'), render: (_, j) => j.reviewReason ?? '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('holder.compliance.notices')}
      </Typography.Title>
      <NotificationsTab />
      <JustifyModal
        a={justifying}
        onClose={() => setJustifying(null)}
        onDone={() => {
          setJustifying(null);
          void qc.invalidateQueries({ queryKey: ['justifications'] });
        }}
      />
    </div>
  );
}

interface JustValues {
  category: (typeof CATEGORIES)[number];
  explanation: string;
  endsOn: string;
  documents?: Doc[];
}

export function JustifyModal({ a, onClose, onDone }: { a: Achievement | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<JustValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={!!a}
      title={t('holder.just.title', { title: a?.title ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, ...({ 'data-testid': 'justify-submit' } as Record<string, string>) }}
      destroyOnHidden
    >
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ category: 'negotiation_in_progress', documents: [] }}
        onFinish={(v) =>
          void (async () => {
            setBusy(true);
            setError(null);
            try {
              await call(api.POST('/achievements/{id}/justifications', { params: { path: { id: a!.id } }, body: { ...v, documents: v.documents ?? [] } }));
              void message.success(t('holder.just.submitted'));
              onDone();
            } catch (err) {
              setError(showFieldErrors(form, err));
            } finally {
              setBusy(false);
            }
          })()
        }
      >
        <Form.Item name="category" label={t('holder.just.category')} rules={[{ required: true }]}>
          <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`holder.just.categories.${c}`) }))} />
        </Form.Item>
        <Form.Item name="explanation" label={t('holder.just.explanation')} rules={[{ required: true, message: t('holder.form.required') }, { max: 4000 }]}>
          <Input.TextArea rows={4} data-testid="justify-explanation" />
        </Form.Item>
        <Form.Item name="endsOn" label={t('holder.just.endsOn')} rules={[{ required: true, message: t('holder.form.required') }]}>
          <Input type="date" min={beijingToday()} data-testid="justify-endsOn" />
        </Form.Item>
        <Form.Item name="documents" label={t('holder.just.documents')}>
          <DocumentsInput testId="justify-documents" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
