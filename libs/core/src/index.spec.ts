import * as core from './index';

describe('@zjp/core public surface', () => {
  it.each([
    'Money', 'Rate', 'roundHalfUp',
    'CLOCK', 'SystemClock', 'FixedClock',
    'LocalDate', 'shanghaiDate', 'startOfShanghaiDay', 'todayInShanghai',
    'periodEnd', 'periodEndMonths', 'fullYearsReachedOn', 'fullYearsElapsed',
    'DomainError', 'ValidationError', 'NotFoundError', 'ConflictError', 'ForbiddenError',
    'UnauthenticatedError', 'RateLimitedError', 'ServiceUnavailableError', 'HTTP_STATUS_BY_KIND', 'httpStatusOf', 'toErrorBody',
    'newId', 'isUuid',
    'parsePageRequest', 'encodeCursor', 'decodeCursor', 'toPage', 'DEFAULT_PAGE_LIMIT', 'MAX_PAGE_LIMIT',
    'createEvent',
    'isRegionCode', 'regionLevel', 'regionCovers', 'provinceCodeOf', 'cityCodeOf',
  ])('exports %s', (name) => {
    expect(core).toHaveProperty(name);
  });
});
