/** The reporting context's BullMQ jobs (queue QUEUES.reporting in @zjp/platform). */
export const REPORTING_JOBS = {
  /** Every 15 minutes: reporting_daily_facts for the days touched since the last refresh. */
  refreshFacts: 'refresh-report-facts',
  /** Daily (00:40 Beijing): refresh, then record yesterday's 技术交易活跃指数. */
  recordActivityIndex: 'record-activity-index',
  /** On the 1st of each month (02:00 Beijing): 月监测 of the month before, 季分析 after a quarter, 年评价 after the year. */
  generateDueReports: 'generate-due-reports',
} as const;

/** `today` (Beijing date) overrides the clock's, for a rerun of a missed day. */
export interface GenerateDueReportsJob {
  today?: string;
}
