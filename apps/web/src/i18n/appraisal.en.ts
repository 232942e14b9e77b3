import type { MessagesOf } from './area';
import type { appraisalZh } from './appraisal.zh';

export const appraisalEn: MessagesOf<typeof appraisalZh> = {
  label: 'Appraisal',
  value: 'Appraised value',
  appraiser: 'Appraiser',
  appraisedOn: 'Appraisal date',
  document: 'Report',
  ratio: 'the price is {{percent}}% of the appraised value',
  rule: 'P-PRICE: prices come from negotiation, fixed-price listing, auction or appraisal. The appraised value is for reference; the price is what the listing or the bidding gives. The SHA-256 lets you check the report against its original.',
  none: 'No appraisal report',
};
