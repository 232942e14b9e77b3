import { LOT_TECHNICAL_FIELDS } from '@zjp/market';
import { TECHNICAL_FIELDS } from './achievement.entity';

describe('technical fields', () => {
  it("the market's lot discovery filters by exactly the achievements' technical fields", () => {
    expect([...LOT_TECHNICAL_FIELDS]).toEqual([...TECHNICAL_FIELDS]);
  });
});
