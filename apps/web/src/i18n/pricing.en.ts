import type { MessagesOf } from './area';
import type { pricingZh } from './pricing.zh';

export const pricingEn: MessagesOf<typeof pricingZh> = {
  title: 'Price guidance',
  range: 'Suggested range',
  point: 'Reference price',
  use: 'Use the reference price',
  basedOn: 'From {{count}} comparable deals (effective sample {{effective}}), {{dealType}}, as of {{asOf}}',
  method:
    'Method: concluded deals of the same technical field and deal type, scored by IPC (main group 1, subclass 0.7, class 0.35, section 0.2) × IP type (same 1, other 0.6) × maturity (less per step apart); up to {{max}} with similarity ≥ {{minSimilarity}} are the comparables. Each price is moved to this achievement’s remaining patent term (price ∝ remaining years^{{beta}}); the range is the similarity-weighted {{low}}th–{{high}}th percentile of the log prices and the reference price their weighted median.',
  insufficient: 'Not enough comparable deals',
  insufficientDetail:
    'Only {{count}} comparable deals were found, fewer than the {{min}} a range needs, so no range is given. Consider an appraisal, or let negotiation or an auction find the price.',
  noComparables: 'No comparable deals yet',
  backtest:
    'Back-test (2,000 generated deals with a known price model, each held out in turn): the median error of the reference price against the actual price is about 28 % (the model’s own noise accounts for about 21 %; the field’s median price alone, about 60 %); the actual price falls inside the range about half the time (the range is the middle 50 % of the comparables).',
  columns: {
    title: 'Achievement',
    concludedOn: 'Concluded on',
    price: 'Price',
    adjusted: 'Moved to this term',
    similarity: 'Similarity',
    ipc: 'IPC shared to',
    remaining: 'Term left at the deal',
  },
  ipcMatch: { main_group: 'main group', subclass: 'subclass', class: 'class', section: 'section', none: 'none' },
  years: '{{years}} years',
  noTerm: 'no term',
  subjectTerm: 'Term left on this achievement: {{years}}',
  pickAchievement: 'Pick an achievement to see a price from comparable deals.',
};
