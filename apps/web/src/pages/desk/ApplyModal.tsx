import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Upload, message } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import type { SubsidyCandidate } from '../../api/types';
import { yuan } from '../../lib/format';

type Attachment = components['schemas']['SubsidyAttachmentDto'];
type Kind = Attachment['kind'];
const KINDS: Kind[] = ['contract', 'registration_certificate', 'invoice', 'payment_proof', 'funding_agreement', 'bank_statement', 'other'];

async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Values {
  accountName: string;
  bankName: string;
  accountNumber: string;
  statement?: string;
  kind: Kind;
}

/**
 * Applying for a subsidy: where the money goes (payee), a statement, and the supporting documents.
 * Documents are fingerprinted in the browser (name, type, size, SHA-256); the API keeps the
 * fingerprint with the application. Field errors of the API are shown next to the fields.
 */
export function ApplyModal({ candidate, onClose, onDone }: { candidate: SubsidyCandidate | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [files, setFiles] = useState<{ file: File; attachment: Attachment }[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (values: Values) => {
    if (!candidate) return;
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/subsidy-applications', {
          body: {
            policyId: candidate.policy.id,
            subjectType: candidate.subjectType,
            subjectId: candidate.subjectId,
            year: candidate.year,
            statement: values.statement || undefined,
            attachments: files.map((f) => ({ ...f.attachment, kind: values.kind })),
            payee: { accountName: values.accountName, bankName: values.bankName, accountNumber: values.accountNumber },
          },
        }),
      );
      void message.success(t('subsidy.applied'));
      form.resetFields();
      setFiles([]);
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.body.details?.length) {
        // payee.accountNumber → the field accountNumber; the rest shown above the form
        const known = new Set(['accountName', 'bankName', 'accountNumber', 'statement']);
        const fields = err.body.details.map((d) => ({ name: d.field.replace(/^payee\./, ''), errors: [d.message] }));
        form.setFields(fields.filter((f) => known.has(f.name)) as never);
        const other = fields.filter((f) => !known.has(f.name));
        setError(other.length ? other.map((f) => `${f.name}: ${f.errors[0]}`).join('；') : null);
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={candidate !== null} title={`${t('subsidy.apply')}：${candidate?.policy.name ?? ''}`} onCancel={onClose} footer={null} destroyOnHidden>
      {candidate ? (
        <p className="muted">
          {t('subsidy.amount')}：{yuan(candidate.amountFen, t('money.yuan'))}
        </p>
      ) : null}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ kind: 'contract' }} data-testid="apply-form">
        <Form.Item name="accountName" label={t('apply.accountName')} rules={[{ required: true, message: t('apply.required') }]}>
          <Input data-testid="payee-name" />
        </Form.Item>
        <Form.Item name="bankName" label={t('apply.bankName')} rules={[{ required: true, message: t('apply.required') }]}>
          <Input data-testid="payee-bank" />
        </Form.Item>
        <Form.Item name="accountNumber" label={t('apply.accountNumber')} rules={[{ required: true, message: t('apply.required') }]}>
          <Input inputMode="numeric" data-testid="payee-account" />
        </Form.Item>
        <Form.Item name="statement" label={t('apply.statement')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="kind" label={t('apply.documents')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`apply.kinds.${k}`) }))} />
        </Form.Item>
        <Upload
          multiple
          fileList={files.map((f, i) => ({ uid: String(i), name: f.file.name, status: 'done' as const }))}
          beforeUpload={(file) => {
            void sha256Hex(file).then((sha256) =>
              setFiles((list) => [
                ...list,
                { file, attachment: { kind: 'contract', name: file.name, contentType: file.type || 'application/octet-stream', sizeBytes: file.size, sha256 } },
              ]),
            );
            return false; // fingerprinted here; never sent to a server
          }}
          onRemove={(f) => setFiles((list) => list.filter((_, i) => String(i) !== f.uid))}
        >
          <Button icon={<UploadOutlined />}>{t('apply.choose')}</Button>
        </Upload>
        {error ? <Alert style={{ marginTop: 12 }} type="error" showIcon message={error} data-testid="apply-error" /> : null}
        <Button style={{ marginTop: 16 }} type="primary" htmlType="submit" block loading={busy} data-testid="submit-application">
          {t('subsidy.apply')}
        </Button>
      </Form>
    </Modal>
  );
}
