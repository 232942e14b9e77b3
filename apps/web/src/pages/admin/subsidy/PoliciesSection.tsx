import { useState } from 'react';
import { Alert, Button, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography, Upload, message } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useCurrentUser } from '../../../components/AppLayout';
import { Money } from '../../../components/Money';
import { QueryError } from '../../../components/QueryError';
import { hasRole } from '../../../lib/auth';
import { beijingDateTime } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';
import { saveBlob } from './download';
import { PolicyEditor } from './PolicyEditor';

type Policy = components['schemas']['SubsidyPolicyDto'];
type Version = components['schemas']['PolicyVersionDto'];

function saveJson(data: unknown, name: string) {
  saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), name);
}

function Versions({ policy, onClose }: { policy: Policy | null; onClose: () => void }) {
  const { t } = useTranslation();
  const table = useServerTable(10);
  const versions = useQuery({
    queryKey: ['policy-versions', policy?.id, table.query],
    enabled: !!policy,
    queryFn: () => call(api.GET('/subsidy-policies/{id}/versions', { params: { path: { id: policy!.id }, query: table.query } })),
  });
  return (
    <Modal open={!!policy} onCancel={onClose} footer={null} width={900} title={`${t('authority.policy.versionsTitle')} · ${policy?.name ?? ''}`}>
      <Table<Version>
        size="small"
        rowKey="version"
        loading={versions.isLoading}
        {...table.tableProps(versions.data)}
        expandable={{ expandedRowRender: (v) => <pre style={{ maxHeight: 300, overflow: 'auto', fontSize: 12 }}>{JSON.stringify(v.document, null, 2)}</pre> }}
        columns={[
          { title: t('authority.policy.version'), dataIndex: 'version' },
          { title: t('authority.policy.name'), dataIndex: 'name' },
          { title: t('authority.policy.changeReason'), render: (_, v) => v.changeReason ?? '—' },
          { title: t('authority.policy.versionBy'), render: (_, v) => v.createdByName ?? '—' },
          { title: t('authority.policy.versionAt'), render: (_, v) => beijingDateTime(v.createdAt) },
        ]}
      />
    </Modal>
  );
}

/** The authority's subsidy policies: list, editor with live preview, versions, JSON export and import, withdrawal. */
export default function PoliciesSection() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const isAuthority = hasRole(user, 'authority_admin');
  const table = useServerTable(20);
  const [status, setStatus] = useState<'active' | 'withdrawn' | undefined>(undefined);
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const [versionsOf, setVersionsOf] = useState<Policy | null>(null);
  const [withdrawing, setWithdrawing] = useState<Policy | null>(null);
  const [reason, setReason] = useState('');
  const [importErrors, setImportErrors] = useState<string[] | null>(null);
  const authority = useQuery({
    queryKey: ['organization', user?.organizationId],
    enabled: isAuthority && !!user,
    queryFn: () => call(api.GET('/organizations/{id}', { params: { path: { id: user!.organizationId } } })),
  });
  const policies = useQuery({
    queryKey: ['subsidy-policies', isAuthority ? user?.organizationId : 'all', status, table.query],
    queryFn: () =>
      call(
        api.GET('/subsidy-policies', {
          params: { query: { ...table.query, ...(isAuthority ? { authorityId: user!.organizationId } : {}), ...(status ? { status } : {}) } },
        }),
      ),
  });
  if (policies.error) return <QueryError error={policies.error} onRetry={() => void policies.refetch()} />;

  const importFile = async (file: File) => {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      void message.error(t('authority.policy.importBad'));
      return;
    }
    try {
      const result = await call(api.POST('/subsidy-policies/import', { body: body as components['schemas']['ImportPoliciesDto'] }));
      const count = (o: string) => result.results.filter((r) => r.outcome === o).length;
      void message.success(t('authority.policy.imported', { created: count('created'), versioned: count('versioned'), unchanged: count('unchanged') }));
      setImportErrors(null);
      void policies.refetch();
    } catch (err) {
      if (err instanceof ApiError) setImportErrors([err.message, ...(err.body.details ?? []).map((d) => `${d.field}: ${d.message}`)]);
    }
  };

  return (
    <div data-testid="admin-policies">
      <Typography.Paragraph type="secondary">{t('authority.policy.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        {isAuthority && (
          <Button type="primary" data-testid="policy-new" onClick={() => setEditing('new')}>
            {t('authority.policy.new')}
          </Button>
        )}
        {isAuthority && (
          <Upload accept="application/json,.json" showUploadList={false} beforeUpload={(file) => (void importFile(file), false)}>
            <Button data-testid="policy-import">{t('authority.policy.importJson')}</Button>
          </Upload>
        )}
        {isAuthority && (
          <Button
            data-testid="policy-export-all"
            onClick={() => void call(api.GET('/subsidy-policies/export')).then((data) => saveJson(data, 'subsidy-policies.json'))}
          >
            {t('authority.policy.exportAll')}
          </Button>
        )}
        <Select
          allowClear
          placeholder={t('authority.review.allStatuses')}
          style={{ width: 140 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            table.reset();
          }}
          options={(['active', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`authority.policy.${s}`) }))}
        />
      </Space>
      {importErrors && (
        <Alert
          type="error"
          closable
          onClose={() => setImportErrors(null)}
          style={{ marginBottom: 12 }}
          message={importErrors[0]}
          description={
            <ul style={{ margin: 0 }}>
              {importErrors.slice(1).map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          }
        />
      )}
      <Table<Policy>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        loading={policies.isLoading}
        {...table.tableProps(policies.data)}
        columns={[
          {
            title: t('authority.policy.name'),
            render: (_, p) => (
              <>
                <div data-testid="policy-row-name">{p.name}</div>
                <div className="muted">
                  {p.documentNumber} · {p.authority.name}
                </div>
              </>
            ),
          },
          { title: t('authority.policy.kind'), render: (_, p) => t(`authority.policy.kinds.${p.kind}`) },
          { title: t('authority.policy.rateKind'), render: (_, p) => t(`authority.policy.rateKinds.${p.document.rate?.kind ?? 'single'}`) },
          { title: t('authority.policy.version'), dataIndex: 'version' },
          { title: t('authority.policy.effectiveFrom'), render: (_, p) => `${p.effectiveFrom} ~ ${p.effectiveTo ?? ''}` },
          {
            title: t('authority.review.status'),
            render: (_, p) => (
              <Tooltip title={t('authority.policy.statusRule')}>
                <Tag color={p.status === 'active' ? 'green' : undefined}>{t(`authority.policy.${p.status}`)}</Tag>
              </Tooltip>
            ),
          },
          { title: t('authority.policy.budgetLeft'), render: (_, p) => <Money fen={p.budget.remainingFen} /> },
          {
            title: t('authority.common.actions'),
            render: (_, p) => {
              const own = isAuthority && p.authority.id === user?.organizationId;
              return (
                <Space size={4} wrap>
                  {own && p.status === 'active' && (
                    <Button size="small" data-testid="policy-edit" onClick={() => setEditing(p)}>
                      {t('authority.policy.edit')}
                    </Button>
                  )}
                  {own && p.status === 'active' && (
                    <Button size="small" data-testid="policy-outlook" onClick={() => void navigate(`/admin/outlook/${p.id}`)}>
                      {t('outlook.open')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => setVersionsOf(p)}>
                    {t('authority.policy.versions')}
                  </Button>
                  {own && (
                    <Button
                      size="small"
                      onClick={() =>
                        void call(api.GET('/subsidy-policies/{id}/export', { params: { path: { id: p.id } } })).then((data) =>
                          saveJson(data, `subsidy-policy-${p.documentNumber}.json`),
                        )
                      }
                    >
                      {t('authority.policy.export')}
                    </Button>
                  )}
                  {own && p.status === 'active' && (
                    <Button size="small" danger onClick={() => setWithdrawing(p)}>
                      {t('authority.policy.withdraw')}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      <PolicyEditor
        open={editing !== null}
        policy={editing === 'new' ? null : editing}
        authority={authority.data}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void policies.refetch();
        }}
      />
      <Versions policy={versionsOf} onClose={() => setVersionsOf(null)} />
      <Modal
        open={!!withdrawing}
        title={`${t('authority.policy.withdraw')} · ${withdrawing?.name ?? ''}`}
        onCancel={() => setWithdrawing(null)}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        onOk={() =>
          void call(api.POST('/subsidy-policies/{id}/withdraw', { params: { path: { id: withdrawing!.id } }, body: { reason } })).then(
            () => {
              setWithdrawing(null);
              setReason('');
              void policies.refetch();
            },
            (err: unknown) => {
              if (err instanceof ApiError) void message.error(err.message);
            },
          )
        }
      >
        <Typography.Paragraph type="secondary">{t('authority.policy.statusRule')}</Typography.Paragraph>
        <Input.TextArea rows={3} placeholder={t('authority.policy.withdrawReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </div>
  );
}
