import { useState } from 'react';
import { Alert, Button, Descriptions, Drawer, Empty, List, Modal, Radio, Space, Tag, Tooltip, Typography, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call, errorText } from '../../api/client';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { hasRole, type User } from '../../lib/auth';
import { beijingDateTime, yuan } from '../../lib/format';

const STATUS_COLORS: Record<string, string> = {
  awaiting_signatures: 'orange',
  signed: 'blue',
  registered: 'green',
  in_performance: 'cyan',
  completed: 'default',
  terminated: 'red',
  draft: 'default',
};

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function ContractDetail({ id, user, onChanged }: { id: string; user: User; onChanged: () => void }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState('pm_card_visa');
  const [busy, setBusy] = useState(false);
  const [hash, setHash] = useState<{ ok: boolean; hash: string } | null>(null);
  const [payKey, setPayKey] = useState(() => crypto.randomUUID());
  const contract = useQuery({
    queryKey: ['contract', id],
    queryFn: () => call(api.GET('/contracts/{id}', { params: { path: { id } } })),
  });
  if (contract.error) return <QueryError error={contract.error} onRetry={() => void contract.refetch()} />;
  const c = contract.data;
  if (!c) return null;
  const admin = hasRole(user, 'enterprise_admin'); // the buyer pays
  const signer = hasRole(user, 'enterprise_admin', 'holder_admin'); // either party's administrator signs
  const iSigned = c.signatures.some((s) => s.organizationId === user.organizationId && s.version === c.version);
  const act = async (what: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await what();
      if (done) void message.success(done);
      await contract.refetch();
      onChanged();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const sign = () =>
    Modal.confirm({
      title: t('contract.sign', { version: c.version }),
      content: t('contract.signConfirm'),
      okButtonProps: { 'data-testid': 'confirm-sign' } as never,
      onOk: () => act(() => call(api.POST('/contracts/{id}/signatures', { params: { path: { id } }, body: { version: c.version } }))),
    });
  const pay = () =>
    act(
      async () => {
        await call(api.POST('/contracts/{id}/payments', { params: { path: { id } }, body: { paymentMethod: method, idempotencyKey: payKey } }));
        setPayKey(crypto.randomUUID()); // a retry of the same click keeps its key; the next payment gets a new one
      },
      t('contract.paid', { amount: yuan(c.money.outstandingFen, t('money.yuan')) }),
    );
  const download = () =>
    act(async () => {
      const blob = (await call(
        api.GET('/contracts/{id}/document', { params: { path: { id }, query: { format: 'pdf', signed: 'true' } }, parseAs: 'blob' }),
      )) as unknown as Blob;
      const verification = (await call(api.GET('/contracts/{id}/document/verification', { params: { path: { id } } }))) as unknown as {
        documentSha256: string | null;
      };
      const digest = await sha256Hex(blob);
      setHash({ ok: digest === verification.documentSha256, hash: digest });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${c.title}.pdf`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    });
  return (
    <div data-testid="contract-detail">
      <Space wrap>
        <Tag color={STATUS_COLORS[c.status]} data-testid="contract-status">
          {t(`status.contract.${c.status}`, { defaultValue: c.status })}
        </Tag>
        <span className="muted">{t(`contract.statusExplain.${c.status}`, { defaultValue: '' })}</span>
      </Space>
      <Descriptions column={1} size="small" style={{ marginTop: 12 }}>
        <Descriptions.Item label={<Tooltip title={t('contract.contractNumberRule')}>{t('contract.contractNumber')}</Tooltip>}>
          <span data-testid="contract-number">{c.contractNumber}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.seller')}>{c.seller.name}</Descriptions.Item>
        <Descriptions.Item label={t('contract.buyer')}>{c.buyer.name}</Descriptions.Item>
        <Descriptions.Item label={t('contract.price')}>
          <Money fen={c.priceFen} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.actualValue')}>
          <Money fen={c.money.actualValueFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.outstanding')}>
          <span data-testid="contract-outstanding">
            <Money fen={c.money.outstandingFen} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.due')}>
          <span data-testid="contract-due">
            <Money fen={c.money.dueFen} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.signatures')}>
          {c.signatures.length
            ? c.signatures.map((s, i) => (
                <div key={i}>
                  {t(s.party === 'seller' ? 'contract.seller' : 'contract.buyer')}：{s.signerName} · {beijingDateTime(s.signedAt)}
                </div>
              ))
            : t('contract.notSigned')}
        </Descriptions.Item>
      </Descriptions>
      <Space direction="vertical" style={{ width: '100%' }}>
        {c.status === 'awaiting_signatures' && signer && !iSigned ? (
          <Button type="primary" block loading={busy} onClick={sign} data-testid="sign-contract">
            {t('contract.sign', { version: c.version })}
          </Button>
        ) : null}
        {BigInt(c.money.outstandingFen) > 0n && admin && ['signed', 'registered', 'in_performance'].includes(c.status) ? (
          <>
            <div>{t('contract.payWith')}</div>
            <Radio.Group value={method} onChange={(e) => setMethod(e.target.value as string)}>
              <Radio value="pm_card_visa">{t('contract.card')}</Radio>
              <Radio value="pm_alipay">{t('contract.alipay')}</Radio>
              <Radio value="pm_wechat_pay">{t('contract.wechat')}</Radio>
              <Radio value="bank">{t('contract.bankTransfer')}</Radio>
            </Radio.Group>
            {method === 'bank' ? (
              <Alert type="info" showIcon message={t('contract.bankTransferHelp', { id: c.id })} />
            ) : (
              <Button type="primary" block loading={busy} onClick={() => void pay()} data-testid="pay-contract">
                {t('contract.pay')} {yuan(c.money.outstandingFen, t('money.yuan'))}
              </Button>
            )}
          </>
        ) : null}
        {c.document.signedSha256 ? (
          <Button block onClick={() => void download()} data-testid="download-pdf">
            {t('contract.download')}
          </Button>
        ) : null}
        {hash ? (
          <Alert
            type={hash.ok ? 'success' : 'error'}
            showIcon
            data-testid="hash-check"
            message={hash.ok ? t('contract.hashOk', { hash: hash.hash.slice(0, 16) + '…' }) : t('contract.hashBad')}
          />
        ) : null}
      </Space>
    </div>
  );
}

export function ContractsTab({ user }: { user: User }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['contracts'],
    queryFn: async () => {
      return (await call(api.GET('/contracts', { params: { query: { limit: 100 } } }))).items;
    },
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {!list.data?.length ? (
        <Empty description={t('contract.none')} />
      ) : (
        <List
          data-testid="contracts"
          dataSource={list.data}
          renderItem={(c) => (
            <List.Item
              actions={[
                <Button key="open" onClick={() => setOpen(c.id)} data-testid="open-contract">
                  {t('contract.open')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={c.title}
                description={
                  <Space wrap>
                    <Typography.Text code data-testid="list-contract-number">
                      {c.contractNumber}
                    </Typography.Text>
                    <Tag color={STATUS_COLORS[c.status]}>{t(`status.contract.${c.status}`, { defaultValue: c.status })}</Tag>
                    <Typography.Text type="secondary">{beijingDateTime(c.createdAt)}</Typography.Text>
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={Math.min(560, window.innerWidth)} title={t('contract.title')}>
        {open ? <ContractDetail id={open} user={user} onChanged={() => void queryClient.invalidateQueries({ queryKey: ['contracts'] })} /> : null}
      </Drawer>
    </>
  );
}
