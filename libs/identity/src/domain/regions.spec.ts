import { isKnownRegion, regionName } from './regions';

describe('GB/T 2260 regions', () => {
  it.each([
    ['330000', '浙江省'],
    ['330100', '杭州市'],
    ['330600', '绍兴市'],
    ['330603', '柯桥区'],
  ])('knows %s as %s', (code, name) => {
    expect(isKnownRegion(code)).toBe(true);
    expect(regionName(code)).toBe(name);
  });

  it.each(['330699', '339900', '000000', '33060', 'abcdef'])('rejects %s, which is not a division', (code) => {
    expect(isKnownRegion(code)).toBe(false);
  });
});
