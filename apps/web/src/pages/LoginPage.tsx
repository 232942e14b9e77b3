import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../api/client';
import { signedIn } from '../lib/auth';

export default function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ email: string; password: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await call(api.POST('/auth/login', { body: values })));
      const next = params.get('next');
      void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (err) {
      if (err instanceof ApiError && err.body.details?.length) {
        form.setFields(err.body.details.map((d) => ({ name: d.field as 'email' | 'password', errors: [d.message] })));
      } else setError(err instanceof ApiError && err.status === 401 ? t('auth.failed') : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('auth.title')} style={{ maxWidth: 420, margin: '40px auto' }}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} noValidate>
        <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, message: t('auth.required', { field: t('auth.email') }) }]}>
          <Input autoComplete="username" data-testid="login-email" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('auth.passwordLabel')}
          rules={[{ required: true, message: t('auth.required', { field: t('auth.passwordLabel') }) }]}
        >
          <Input.Password autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="login-error" /> : null}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('auth.submit')}
        </Button>
      </Form>
      <p className="muted" style={{ marginTop: 12 }}>
        {t('auth.demoHint')}
      </p>
    </Card>
  );
}
