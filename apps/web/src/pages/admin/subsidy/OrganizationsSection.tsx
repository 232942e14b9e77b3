import { useState } from 'react';
import { Button, Checkbox, Drawer, Form, Input, Modal, Select, Space, Switch, Table, Tag, Tooltip, Typography, message } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useCurrentUser } from '../../../components/AppLayout';
import { hasRole } from '../../../lib/auth';
import { beijingDateTime } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';
import { namePath } from './area';

type Organization = components['schemas']['OrganizationDto'];
type OrgType = Organization['type'];
type Role = components['schemas']['UserDto']['roles'][number];
type User = components['schemas']['UserDto'];
type Certificate = components['schemas']['CertificateDto'];

const ROLES_BY_TYPE: Record<OrgType, Role[]> = {
  holder: ['holder_admin', 'holder_member'],
  enterprise: ['enterprise_admin', 'enterprise_member'],
  authority: ['authority_admin'],
  broker: ['broker'],
};

/** Puts an API answer's field errors next to the form's fields (or a message when it names none). */
function showFieldErrors(form: ReturnType<typeof Form.useForm>[0], err: unknown): void {
  if (!(err instanceof ApiError)) return;
  const details = err.body.details ?? [];
  if (details.length) form.setFields(details.map((d) => ({ name: namePath(d.field) as never, errors: [d.message] })));
  else void message.error(err.message);
}

function CreateOrganization({ open, onClose, onDone, defaultRegion }: { open: boolean; onClose: () => void; onDone: () => void; defaultRegion?: string }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [form] = Form.useForm();
  const type = Form.useWatch('type', form) as OrgType | undefined;
  const types: OrgType[] = hasRole(user, 'platform_admin') ? ['holder', 'enterprise', 'broker', 'authority'] : ['holder', 'enterprise', 'broker'];
  return (
    <Modal
      open={open}
      title={t('authority.org.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'org-create-ok' } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="org-form"
        initialValues={{ type: 'enterprise', regionCode: defaultRegion, sme: false, highLevelPlatform: false }}
        onFinish={(v: Record<string, unknown>) => {
          const body = Object.fromEntries(
            Object.entries(v).filter(([, value]) => value !== undefined && value !== ''),
          ) as components['schemas']['CreateOrganizationDto'];
          if (body.type !== 'holder') delete body.highLevelPlatform;
          if (body.type !== 'enterprise') delete body.sme;
          void call(api.POST('/organizations', { body })).then(
            () => {
              void message.success(t('authority.org.created'));
              form.resetFields();
              onDone();
            },
            (err: unknown) => showFieldErrors(form, err),
          );
        }}
      >
        <Form.Item name="type" label={t('authority.org.type')}>
          <Select data-testid="org-type" options={types.map((v) => ({ value: v, label: t(`authority.org.types.${v}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('authority.org.name')} rules={[{ required: true }]}>
          <Input data-testid="org-name" />
        </Form.Item>
        <Form.Item name="regionCode" label={t('authority.org.region')} extra={t('authority.org.regionHelp')} rules={[{ required: true }]}>
          <Input data-testid="org-region" maxLength={6} />
        </Form.Item>
        <Form.Item name="creditCode" label={t('authority.org.creditCode')}>
          <Input maxLength={18} />
        </Form.Item>
        {type === 'holder' && (
          <>
            <Form.Item name="holderCategory" label={t('authority.org.holderCategory')} rules={[{ required: true }]}>
              <Select
                options={(['university', 'institute', 'enterprise_lab'] as const).map((v) => ({ value: v, label: t(`authority.org.holderCategories.${v}`) }))}
              />
            </Form.Item>
            <Form.Item name="highLevelPlatform" valuePropName="checked">
              <Checkbox>{t('authority.org.highLevelPlatform')}</Checkbox>
            </Form.Item>
          </>
        )}
        {type === 'enterprise' && (
          <Form.Item name="sme" valuePropName="checked">
            <Checkbox data-testid="org-sme">{t('authority.org.sme')}</Checkbox>
          </Form.Item>
        )}
        {type === 'authority' && (
          <Form.Item name="authorityLevel" label={t('authority.org.authorityLevel')} rules={[{ required: true }]}>
            <Select options={(['province', 'city', 'county'] as const).map((v) => ({ value: v, label: t(`authority.policy.levels.${v}`) }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function Users({ org, onClose }: { org: Organization | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const table = useServerTable(10);
  const users = useQuery({
    queryKey: ['org-users', org?.id, table.query],
    enabled: !!org,
    queryFn: () => call(api.GET('/organizations/{id}/users', { params: { path: { id: org!.id }, query: table.query } })),
  });
  const roles = org ? ROLES_BY_TYPE[org.type] : [];
  return (
    <Drawer open={!!org} onClose={onClose} width={720} title={t('authority.org.usersOf', { name: org?.name ?? '' })} destroyOnHidden>
      <Table<User>
        size="small"
        rowKey="id"
        data-testid="org-users"
        loading={users.isLoading}
        {...table.tableProps(users.data)}
        columns={[
          { title: t('authority.org.displayName'), dataIndex: 'displayName' },
          { title: t('authority.org.email'), dataIndex: 'email' },
          { title: t('authority.org.roles'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`authority.org.roleNames.${r}`)}</Tag>) },
          { title: t('authority.org.created'), render: (_, u) => beijingDateTime(u.createdAt) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('authority.org.newUser')}
      </Typography.Title>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ roles: roles.slice(0, 1) }}
        onFinish={(v: components['schemas']['CreateUserDto']) =>
          void call(api.POST('/organizations/{id}/users', { params: { path: { id: org!.id } }, body: v })).then(
            () => {
              void message.success(t('authority.org.created'));
              form.resetFields();
              void users.refetch();
            },
            (err: unknown) => showFieldErrors(form, err),
          )
        }
      >
        <Space wrap align="start">
          <Form.Item name="displayName" label={t('authority.org.displayName')} rules={[{ required: true }]}>
            <Input data-testid="new-user-name" />
          </Form.Item>
          <Form.Item name="email" label={t('authority.org.email')} rules={[{ required: true }]}>
            <Input data-testid="user-email" />
          </Form.Item>
          <Form.Item name="password" label={t('authority.org.passwordLabel')} extra={t('authority.org.passwordHelp')} rules={[{ required: true }]}>
            <Input.Password data-testid="user-password" autoComplete="new-password" />
          </Form.Item>
        </Space>
        <Form.Item name="roles" label={t('authority.org.roles')} rules={[{ required: true }]}>
          <Checkbox.Group options={roles.map((r) => ({ value: r, label: t(`authority.org.roleNames.${r}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="user-create">
          {t('authority.org.newUser')}
        </Button>
      </Form>
    </Drawer>
  );
}

function Certificates({ org, onClose }: { org: Organization | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const list = useQuery({
    queryKey: ['certificates', org?.id],
    enabled: !!org,
    queryFn: () => call(api.GET('/high-tech-certificates', { params: { query: { organizationId: org!.id, limit: 100 } } })),
  });
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return (
    <Modal open={!!org} onCancel={onClose} footer={null} width={720} title={`${t('authority.org.certificates')} · ${org?.name ?? ''}`} destroyOnHidden>
      <Table<Certificate>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: t('authority.org.certificateNumber'), dataIndex: 'certificateNumber' },
          { title: t('authority.org.issuedOn'), dataIndex: 'issuedOn' },
          { title: t('authority.org.expiresOn'), dataIndex: 'expiresOn' },
          {
            title: t('authority.review.status'),
            render: (_, c) => (c.expiresOn >= today ? <Tag color="green">{t('authority.org.valid')}</Tag> : <Tag>{t('authority.org.expired')}</Tag>),
          },
        ]}
      />
      <Form
        form={form}
        layout="inline"
        style={{ marginTop: 12 }}
        onFinish={(v: Omit<components['schemas']['HighTechCertificateDto'], 'organizationId'>) =>
          void call(api.POST('/high-tech-certificates', { body: { ...v, organizationId: org!.id } })).then(
            () => {
              form.resetFields();
              void list.refetch();
            },
            (err: unknown) => showFieldErrors(form, err),
          )
        }
      >
        <Form.Item name="certificateNumber" rules={[{ required: true }]}>
          <Input placeholder={t('authority.org.certificateNumber')} />
        </Form.Item>
        <Form.Item name="issuedOn" rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="expiresOn" rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Button htmlType="submit">{t('authority.org.recordCertificate')}</Button>
      </Form>
    </Modal>
  );
}

/** Organisations of the authority's region (the operator: all) and their users, flags and certificates. */
export default function OrganizationsSection() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const table = useServerTable(20);
  const [type, setType] = useState<OrgType | undefined>(undefined);
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [usersOf, setUsersOf] = useState<Organization | null>(null);
  const [certificatesOf, setCertificatesOf] = useState<Organization | null>(null);
  const own = useQuery({
    queryKey: ['organization', user?.organizationId],
    enabled: !!user,
    queryFn: () => call(api.GET('/organizations/{id}', { params: { path: { id: user!.organizationId } } })),
  });
  const list = useQuery({
    queryKey: ['organizations', type, q, table.query],
    queryFn: () => call(api.GET('/organizations', { params: { query: { ...table.query, ...(type ? { type } : {}), ...(q.trim() ? { q: q.trim() } : {}) } } })),
  });
  const setFlag = (org: Organization, body: components['schemas']['UpdateOrganizationDto']) =>
    void call(api.PATCH('/organizations/{id}', { params: { path: { id: org.id } }, body })).then(
      () => void list.refetch(),
      (err: unknown) => err instanceof ApiError && void message.error(err.message),
    );
  const mayChange = (org: Organization) => hasRole(user, 'platform_admin') || (org.type !== 'authority' && org.id !== user?.organizationId);
  return (
    <div data-testid="admin-organizations">
      <Typography.Paragraph type="secondary">{t('authority.org.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" data-testid="org-new" onClick={() => setCreating(true)}>
          {t('authority.org.new')}
        </Button>
        <Select
          allowClear
          placeholder={t('authority.org.type')}
          style={{ width: 160 }}
          value={type}
          onChange={(v) => {
            setType(v);
            table.reset();
          }}
          options={(['holder', 'enterprise', 'broker', 'authority'] as const).map((v) => ({ value: v, label: t(`authority.org.types.${v}`) }))}
        />
        <Input.Search
          allowClear
          data-testid="org-search"
          placeholder={t('authority.org.search')}
          style={{ width: 260 }}
          onSearch={(v) => {
            setQ(v);
            table.reset();
          }}
        />
      </Space>
      <Table<Organization>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        data-testid="organizations"
        loading={list.isLoading}
        {...table.tableProps(list.data)}
        columns={[
          {
            title: t('authority.org.name'),
            render: (_, o) => (
              <>
                <div>{o.name}</div>
                <div className="muted">{o.creditCode ?? ''}</div>
              </>
            ),
          },
          { title: t('authority.org.type'), render: (_, o) => t(`authority.org.types.${o.type}`) },
          { title: t('authority.org.region'), render: (_, o) => `${o.regionName}（${o.regionCode}）` },
          {
            title: (
              <Tooltip title={t('authority.org.flagRule')}>
                <span>{t('authority.org.flags')} ⓘ</span>
              </Tooltip>
            ),
            render: (_, o) => (
              <Space wrap size={4}>
                {o.holderCategory && <Tag>{t(`authority.org.holderCategories.${o.holderCategory}`)}</Tag>}
                {o.type === 'holder' && (
                  <span>
                    <Switch size="small" checked={o.highLevelPlatform} disabled={!mayChange(o)} onChange={(v) => setFlag(o, { highLevelPlatform: v })} />{' '}
                    {t('authority.org.highLevelPlatform')}
                  </span>
                )}
                {o.type === 'enterprise' && (
                  <span>
                    <Switch size="small" checked={o.sme} disabled={!mayChange(o)} onChange={(v) => setFlag(o, { sme: v })} /> {t('authority.org.sme')}
                  </span>
                )}
              </Space>
            ),
          },
          {
            title: t('authority.common.actions'),
            render: (_, o) => (
              <Space size={4}>
                {mayChange(o) && (
                  <Button size="small" data-testid="org-users-open" onClick={() => setUsersOf(o)}>
                    {t('authority.org.users')}
                  </Button>
                )}
                {o.type === 'enterprise' && (
                  <Button size="small" onClick={() => setCertificatesOf(o)}>
                    {t('authority.org.certificates')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <CreateOrganization
        open={creating}
        defaultRegion={own.data?.type === 'authority' ? own.data.regionCode : undefined}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          void list.refetch();
        }}
      />
      <Users org={usersOf} onClose={() => setUsersOf(null)} />
      <Certificates org={certificatesOf} onClose={() => setCertificatesOf(null)} />
    </div>
  );
}
