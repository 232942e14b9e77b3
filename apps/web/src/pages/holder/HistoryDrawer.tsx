import { useState } from 'react';
import { Alert, Button, Card, Drawer, Form, Input, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { RuleTag } from '../../components/RuleTag';
import { beijingDateTime } from '../../lib/format';
import { beijingToday, DocumentsInput, showFieldErrors, type Doc } from './shared';

type Entry = components['schemas']['HistoryEntryDto'];
const KINDS = ['transfer', 'license', 'equity', 'own_implementation'] as const;
const CATEGORIES = ['negotiation_in_progress', 'confidentiality', 'litigation_or_dispute', 'further_development', 'other'] as const;

/** One form per kind of record; each posts to /achievements/:id/history/<kind> and shows the API's field errors beside the fields. */
function RecordForm({ id, kind, onSaved }: { id: string; kind: 'registration' | 'transformations' | 'justifications'; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const type = Form.useWatch('kind', form) as string | undefined;
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) => {
      const path = { params: { path: { id } } };
      if (kind === 'registration')
        return call(
          api.POST('/achievements/{id}/history/registration', { ...path, body: { registeredOn: v.registeredOn as string, documents: v.documents as Doc[] } }),
        );
      if (kind === 'transformations')
        return call(
          api.POST('/achievements/{id}/history/transformations', {
            ...path,
            body: {
              kind: v.kind as (typeof KINDS)[number],
              ...(v.kind === 'license' && v.licenseType ? { licenseType: v.licenseType as 'exclusive' | 'sole' | 'ordinary' } : {}),
              tookEffectOn: v.tookEffectOn as string,
              contractReference: v.contractReference as string,
              ...(v.counterparty ? { counterparty: v.counterparty as string } : {}),
              ...(v.description ? { description: v.description as string } : {}),
              documents: v.documents as Doc[],
            },
          }),
        );
      return call(
        api.POST('/achievements/{id}/history/justifications', {
          ...path,
          body: {
            category: v.category as (typeof CATEGORIES)[number],
            explanation: v.explanation as string,
            startsOn: v.startsOn as string,
            endsOn: v.endsOn as string,
            documents: v.documents as Doc[],
          },
        }),
      );
    },
    onSuccess: () => {
      void message.success(t('holder.history.saved'));
      form.resetFields();
      onSaved();
    },
    onError: (err) => setError(showFieldErrors(form, err)),
  });
  const today = beijingToday();
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ documents: [], kind: 'license', licenseType: 'ordinary', category: 'negotiation_in_progress' }}
      onFinish={(v: Record<string, unknown>) => {
        setError(null);
        save.mutate(v);
      }}
      data-testid={`history-form-${kind}`}
    >
      {kind === 'registration' ? (
        <Form.Item name="registeredOn" label={t('holder.history.registeredOn')} rules={[{ required: true }]}>
          <Input type="date" max={today} />
        </Form.Item>
      ) : null}
      {kind === 'transformations' ? (
        <>
          <Space wrap align="start">
            <Form.Item name="kind" label={t('holder.history.kind')}>
              <Select
                style={{ width: 150 }}
                options={KINDS.map((k) => ({ value: k, label: t(`holder.history.transformationKinds.${k}`) }))}
                data-testid="history-kind"
              />
            </Form.Item>
            {type === 'license' ? (
              <Form.Item name="licenseType" label={t('holder.listings.licenseType')} rules={[{ required: true }]}>
                <Select
                  style={{ width: 130 }}
                  options={(['exclusive', 'sole', 'ordinary'] as const).map((v) => ({ value: v, label: t(`enums.licenseType.${v}`) }))}
                />
              </Form.Item>
            ) : null}
            <Form.Item name="tookEffectOn" label={t('holder.history.tookEffectOn')} rules={[{ required: true }]}>
              <Input type="date" max={today} data-testid="history-took-effect" />
            </Form.Item>
          </Space>
          <Form.Item name="contractReference" label={t('holder.history.contractReference')} rules={[{ required: true }]}>
            <Input maxLength={200} data-testid="history-reference" />
          </Form.Item>
          <Form.Item name="counterparty" label={t('holder.history.counterparty')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="description" label={t('holder.history.description')}>
            <Input.TextArea maxLength={4000} rows={2} />
          </Form.Item>
        </>
      ) : null}
      {kind === 'justifications' ? (
        <>
          <Form.Item name="category" label={t('holder.history.category')}>
            <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`holder.just.categories.${c}`) }))} />
          </Form.Item>
          <Form.Item name="explanation" label={t('holder.history.explanation')} rules={[{ required: true }]}>
            <Input.TextArea maxLength={4000} rows={2} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="startsOn" label={t('holder.history.startsOn')} rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item name="endsOn" label={t('holder.history.endsOn')} rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
          </Space>
        </>
      ) : null}
      <Form.Item name="documents" label={t('holder.history.documents')} rules={[{ required: true, type: 'array', min: 1 }]}>
        <DocumentsInput testId={`history-documents-${kind}`} />
      </Form.Item>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} /> : null}
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid={`history-save-${kind}`}>
        {t('holder.history.save')}
      </Button>
    </Form>
  );
}

/** 历史记录: an achievement's past before the platform — registration date, transformations, justified reasons — recorded by hand. */
export function HistoryDrawer({
  achievement,
  canRecord,
  onClose,
}: {
  achievement: { id: string; title: string } | null;
  canRecord: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const id = achievement?.id ?? '';
  const history = useQuery({
    queryKey: ['achievement-history', id],
    enabled: achievement !== null,
    queryFn: () => call(api.GET('/achievements/{id}/history', { params: { path: { id } } })),
  });
  return (
    <Drawer
      open={achievement !== null}
      onClose={onClose}
      width={Math.min(760, window.innerWidth)}
      title={achievement ? t('holder.history.title', { title: achievement.title }) : ''}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }} data-testid="history-drawer">
        <Typography.Paragraph type="secondary">{t('holder.history.intro')}</Typography.Paragraph>
        {history.data ? (
          <Space>
            {t('holder.history.ruleState')}
            <span data-testid="history-rule-state">
              <RuleTag state={history.data.ruleState} />
            </span>
          </Space>
        ) : null}
        <Table<Entry>
          size="small"
          rowKey="id"
          pagination={false}
          loading={history.isPending}
          dataSource={history.data?.entries}
          locale={{ emptyText: t('holder.history.none') }}
          data-testid="history-entries"
          columns={[
            { key: 'kind', title: '', render: (_, e) => <Tag>{t(`holder.history.kinds.${e.kind}`)}</Tag> },
            { key: 'date', title: t('holder.history.date'), render: (_, e) => (e.until ? `${e.date} – ${e.until}` : e.date) },
            {
              key: 'detail',
              title: t('holder.history.detail'),
              render: (_, e) =>
                e.detail
                  ? e.kind === 'transformation'
                    ? t(`holder.history.transformationKinds.${e.detail}`, { defaultValue: e.detail })
                    : t(`holder.just.categories.${e.detail}`, { defaultValue: e.detail })
                  : '',
            },
            { key: 'reference', title: t('holder.history.reference'), render: (_, e) => e.reference ?? '' },
            { key: 'docs', title: t('holder.history.documents'), render: (_, e) => e.documents.map((d) => d.name).join('、') },
            { key: 'at', title: t('holder.history.recordedAt'), render: (_, e) => beijingDateTime(e.recordedAt) },
          ]}
        />
        {canRecord && achievement ? (
          <Card size="small">
            <Tabs
              size="small"
              defaultActiveKey="transformations"
              items={[
                {
                  key: 'transformations',
                  label: t('holder.history.recordTransformation'),
                  children: <RecordForm id={id} kind="transformations" onSaved={() => void history.refetch()} />,
                },
                {
                  key: 'registration',
                  label: t('holder.history.recordRegistration'),
                  children: <RecordForm id={id} kind="registration" onSaved={() => void history.refetch()} />,
                },
                {
                  key: 'justifications',
                  label: t('holder.history.recordJustification'),
                  children: <RecordForm id={id} kind="justifications" onSaved={() => void history.refetch()} />,
                },
              ]}
            />
          </Card>
        ) : null}
      </Space>
    </Drawer>
  );
}
