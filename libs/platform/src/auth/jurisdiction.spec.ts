import { jurisdictionCovers, jurisdictionPrefix, oversees, type Oversight } from './jurisdiction';

describe('authority jurisdiction: own region and its sub-regions, county ⊂ city ⊂ province', () => {
  it.each([
    // authority, organisation's region, covered
    ['330000', '330000', true], // 浙江省 · itself
    ['330000', '330600', true], // 浙江省 · 绍兴市
    ['330000', '330603', true], // 浙江省 · 柯桥区
    ['330000', '320102', false], // 浙江省 · 南京市玄武区
    ['330600', '330603', true], // 绍兴市 · 柯桥区
    ['330600', '330600', true],
    ['330600', '330106', false], // 绍兴市 · 杭州市西湖区
    ['330600', '330000', false], // a city does not see its province
    ['330603', '330603', true], // 柯桥区 · itself
    ['330603', '330602', false], // 柯桥区 · 越城区 (same city)
    ['330603', '330600', false], // a county does not see its city
  ])('%s oversees %s: %s', (authority, region, covered) => {
    expect(jurisdictionCovers(authority, region)).toBe(covered);
  });

  it('cuts the prefix by level', () => {
    expect([jurisdictionPrefix('330000'), jurisdictionPrefix('330600'), jurisdictionPrefix('330603')]).toEqual(['33', '3306', '330603']);
  });

  it.each<[Oversight, { id: string; regionCode: string }, boolean]>([
    [{ kind: 'all' }, { id: 'x', regionCode: '110000' }, true],
    [{ kind: 'own', organizationId: 'me' }, { id: 'me', regionCode: '330603' }, true],
    [{ kind: 'own', organizationId: 'me' }, { id: 'x', regionCode: '330603' }, false],
    [{ kind: 'region', prefix: '3306', organizationId: 'me' }, { id: 'x', regionCode: '330603' }, true],
    [{ kind: 'region', prefix: '3306', organizationId: 'me' }, { id: 'x', regionCode: '330106' }, false],
    [{ kind: 'region', prefix: '3306', organizationId: 'me' }, { id: 'me', regionCode: '330600' }, true],
  ])('oversees(%j, %j) = %s', (o, org, expected) => {
    expect(oversees(o, org)).toBe(expected);
  });
});
