/** The achievements context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const COMPLIANCE_JOBS = {
  idleScan: 'idle-scan',
} as const;

/** Job data of an idle-IP scan: the Asia/Shanghai date to apply the rules for (today when absent). */
export interface IdleScanJob {
  date?: string;
  requestedBy?: string;
}
