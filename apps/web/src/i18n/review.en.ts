import type { MessagesOf } from './area';
import type { reviewZh } from './review.zh';

export const reviewEn: MessagesOf<typeof reviewZh> = {
  tab: 'Justified reasons',
  explain:
    'Reasons a holder gives for not having transformed an achievement: approved, they suspend the 2-year / 3-year rules for the approved period (which may be shorter or longer than asked); a rejection states its reason.',
  queue: 'Pending',
  history: 'All (with the history)',
  holder: 'Holder',
  achievement: 'Achievement',
  category: 'Category',
  explanation: 'Explanation',
  asked: 'Asked until',
  granted: 'Approved until',
  documents: 'Documents',
  submittedAt: 'Submitted',
  reviewedAt: 'Reviewed',
  decision: 'Decision',
  reason: 'Reason',
  approve: 'Approve',
  reject: 'Reject',
  approveTitle: 'Approve the justified reason: {{title}}',
  rejectTitle: 'Reject the justified reason: {{title}}',
  endsOnHelp: 'By default the period the holder asked for; the achievement is re-evaluated at once.',
  required: 'Required',
  done: 'Done',
  none: 'No justified reason is waiting for review',
};
