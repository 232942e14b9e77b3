import { useState } from 'react';
import { Button, InputNumber, Modal, Radio, Space, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call, errorText } from '../../api/client';
import type { LotView } from '../../api/types';
import { fenFromYuan, yuan } from '../../lib/format';

/** What only a signed-in bidder needs (the deposit's payment, the bid box): loaded when one opens a lot, not for watchers. */
export function RegisterButton({ lot, onDone }: { lot: LotView; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState('pm_card_visa');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await call(api.POST('/lots/{id}/registrations', { params: { path: { id: lot.id } }, body: { paymentMethod: method } }));
      setOpen(false);
      onDone();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" block size="large" onClick={() => setOpen(true)} data-testid="register">
        {t('lot.register')}（{t('lot.deposit')} {yuan(lot.depositFen, t('money.yuan'))}）
      </Button>
      <Modal
        open={open}
        title={t('lot.register')}
        onOk={() => void submit()}
        confirmLoading={busy}
        onCancel={() => setOpen(false)}
        okButtonProps={{ 'data-testid': 'pay-deposit' } as never}
      >
        <p>{t('lot.registerToBid')}</p>
        <Radio.Group value={method} onChange={(e) => setMethod(e.target.value as string)}>
          <Space direction="vertical">
            <Radio value="pm_card_visa">银行卡 Card</Radio>
            <Radio value="pm_alipay">支付宝 Alipay</Radio>
            <Radio value="pm_wechat_pay">微信支付 WeChat Pay</Radio>
          </Space>
        </Radio.Group>
      </Modal>
    </>
  );
}

export function BidBox({ lot, nextMin, onBid }: { lot: LotView; nextMin: bigint; onBid: (amount: bigint, max: bigint | null) => Promise<void> }) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState<number | null>(null);
  const [proxy, setProxy] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (amount: bigint | null, max: bigint | null) => {
    if (amount === null) return;
    setBusy(true);
    try {
      await onBid(amount, max);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="bid-box">
      <Button type="primary" size="large" block loading={busy} data-testid="bid-next" onClick={() => void run(nextMin, null)}>
        {t('lot.bidNext', { amount: yuan(nextMin, t('money.yuan')) })}
      </Button>
      <Space.Compact style={{ width: '100%' }}>
        <InputNumber
          style={{ width: '100%' }}
          min={0}
          precision={2}
          value={custom}
          onChange={setCustom}
          placeholder={t('lot.customAmount')}
          data-testid="bid-amount"
        />
        <Button disabled={busy || custom === null} onClick={() => void run(fenFromYuan(custom), null)} data-testid="bid-custom">
          {t('lot.placeBid')}
        </Button>
      </Space.Compact>
      {lot.proxyAllowed ? (
        <>
          <Space.Compact style={{ width: '100%' }}>
            <InputNumber
              style={{ width: '100%' }}
              min={0}
              precision={2}
              value={proxy}
              onChange={setProxy}
              placeholder={t('lot.proxyMax')}
              data-testid="proxy-max"
            />
            <Button disabled={busy || proxy === null} onClick={() => void run(nextMin, fenFromYuan(proxy))} data-testid="set-proxy">
              {t('lot.setProxy')}
            </Button>
          </Space.Compact>
          <div className="muted">{t('lot.proxyHelp')}</div>
        </>
      ) : null}
    </Space>
  );
}
