import { cityCodeOf, isRegionCode, provinceCodeOf, regionCovers, regionLevel } from './region';

describe('isRegionCode', () => {
  it.each`
    value        | expected
    ${'330000'}  | ${true}
    ${'330600'}  | ${true}
    ${'330603'}  | ${true}
    ${'110101'}  | ${true}
    ${'33060'}   | ${false}
    ${'3306030'} | ${false}
    ${'33O603'}  | ${false}
    ${'000000'}  | ${false}
    ${' 330603'} | ${false}
    ${''}        | ${false}
    ${330603}    | ${false}
    ${null}      | ${false}
  `('says $expected for $value', ({ value, expected }) => {
    expect(isRegionCode(value)).toBe(expected);
  });
});

describe('regionLevel', () => {
  it.each`
    code        | level
    ${'330000'} | ${'province'}
    ${'110000'} | ${'province'}
    ${'330600'} | ${'city'}
    ${'330100'} | ${'city'}
    ${'330603'} | ${'county'}
    ${'330110'} | ${'county'}
  `('classifies $code as a $level', ({ code, level }) => {
    expect(regionLevel(code)).toBe(level);
  });

  it.each([['33'], ['abcdef'], ['']])('refuses %p with INVALID_REGION_CODE', (code) => {
    expect(() => regionLevel(code)).toThrow(expect.objectContaining({ code: 'INVALID_REGION_CODE', kind: 'validation' }));
  });
});

describe('provinceCodeOf and cityCodeOf', () => {
  it.each`
    code        | province    | city
    ${'330603'} | ${'330000'} | ${'330600'}
    ${'330600'} | ${'330000'} | ${'330600'}
    ${'330000'} | ${'330000'} | ${null}
  `('puts $code in province $province and city $city', ({ code, province, city }) => {
    expect(provinceCodeOf(code)).toBe(province);
    expect(cityCodeOf(code)).toBe(city);
  });
});

describe('regionCovers', () => {
  it.each`
    authority   | code        | covers   | behaviour
    ${'330000'} | ${'330603'} | ${true}  | ${'a province covers its counties'}
    ${'330000'} | ${'330600'} | ${true}  | ${'a province covers its cities'}
    ${'330000'} | ${'330000'} | ${true}  | ${'a province covers itself'}
    ${'330000'} | ${'320506'} | ${false} | ${'a province does not cover another province’s county'}
    ${'330600'} | ${'330603'} | ${true}  | ${'a city covers its counties'}
    ${'330600'} | ${'330600'} | ${true}  | ${'a city covers itself'}
    ${'330600'} | ${'330106'} | ${false} | ${'a city does not cover another city’s county'}
    ${'330600'} | ${'330000'} | ${false} | ${'a city does not cover its province'}
    ${'330603'} | ${'330603'} | ${true}  | ${'a county covers itself'}
    ${'330603'} | ${'330602'} | ${false} | ${'a county does not cover a neighbouring county'}
    ${'330603'} | ${'330600'} | ${false} | ${'a county does not cover its city'}
  `('$behaviour ($authority over $code: $covers)', ({ authority, code, covers }) => {
    expect(regionCovers(authority, code)).toBe(covers);
  });

  it.each`
    authority   | code
    ${'33'}     | ${'330603'}
    ${'330000'} | ${'33060'}
  `('refuses a malformed code ($authority, $code)', ({ authority, code }) => {
    expect(() => regionCovers(authority, code)).toThrow(expect.objectContaining({ code: 'INVALID_REGION_CODE' }));
  });
});
