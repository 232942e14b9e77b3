/**
 * Rate limits so high that no test or benchmark is throttled by accident (the abuse tests set their
 * own low ones); the production defaults are in libs/platform/src/config/app-config.ts.
 */
export const UNTHROTTLED: Readonly<Record<string, string>> = Object.freeze({
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000/60',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '1000000/60',
  RATE_LIMIT_REFRESH_PER_ADDRESS: '1000000/60',
  RATE_LIMIT_REGISTRATION_PER_USER: '1000000/60',
  RATE_LIMIT_HTTP_BID_PER_USER: '1000000/60',
  RATE_LIMIT_UPLOAD_PER_USER: '1000000/60',
  RATE_LIMIT_SOCKET_BID_PER_CONNECTION: '1000000/1',
  RATE_LIMIT_SOCKET_BID_PER_USER: '1000000/60',
});
