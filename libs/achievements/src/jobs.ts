/** The achievements context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const COMPLIANCE_JOBS = {
  idleScan: 'idle-scan',
  /** A registry import's dry run, and its commit. */
  validateImport: 'registry-import-validate',
  commitImport: 'registry-import-commit',
} as const;

export interface RegistryImportJob {
  importId: string;
  /** commit: the user who committed it. */
  by?: string;
}

/** Job data of an idle-IP scan: the Asia/Shanghai date to apply the rules for (today when absent). */
export interface IdleScanJob {
  date?: string;
  requestedBy?: string;
}
