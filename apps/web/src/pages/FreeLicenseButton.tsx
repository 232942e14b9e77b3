import { useState } from 'react';
import { Button, Form, Input, Modal, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../api/client';

/** P-3Y: an enterprise applies for a free licence of an achievement untransformed for three full years. */
export function FreeLicenseButton({ achievementId }: { achievementId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ statement: string }>();
  const submit = async ({ statement }: { statement: string }) => {
    setBusy(true);
    try {
      await call(api.POST('/achievements/{id}/free-license-applications', { params: { path: { id: achievementId } }, body: { statement } }));
      void message.success(t('freeLicense.applied'));
      setOpen(false);
    } catch (err) {
      if (err instanceof ApiError && err.body.details?.length)
        form.setFields(err.body.details.map((d) => ({ name: d.field as 'statement', errors: [d.message] })));
      else void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} data-testid="apply-free-license">
        {t('freeLicense.apply')}
      </Button>
      <Modal open={open} title={t('freeLicense.apply')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        <p className="muted">{t('freeLicense.explain')}</p>
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="statement" label={t('freeLicense.statement')} rules={[{ required: true, message: t('apply.required') }]}>
            <Input.TextArea rows={3} data-testid="free-license-statement" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('freeLicense.apply')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
