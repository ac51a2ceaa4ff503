// A small typed-by-convention client of the portal's REST API, used to get the numbers
// the browser must show. Shapes follow crates/shared (JSON camelCase).

async function problem(response) {
  const text = await response.text();
  return new Error(`${response.url} answered ${response.status}: ${text}`);
}

/**
 * POST /api/v1/auth/sign-in.
 *
 * @returns {Promise<{accessToken: string, user: {firstName: string, lastName: string, email: string}}>}
 */
export async function signInToApi(baseUrl, email, password) {
  const response = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw await problem(response);
  return response.json();
}

/**
 * GET /api/v1/reports/summary, for `start` (YYYY-MM) or the default period when omitted.
 *
 * @returns {Promise<{filters: {start: string, end: string},
 *   newOrdersTrend: {month: string, newOrders: number}[],
 *   newOrdersByChannel: {channel: string, newOrders: number}[],
 *   newOrdersByOfferType: {offerType: string, newOrders: number}[]}>}
 */
export async function getSummary(baseUrl, accessToken, start) {
  const url = new URL('/api/v1/reports/summary', baseUrl);
  if (start) url.searchParams.set('start', start);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (response.status !== 200) throw await problem(response);
  return response.json();
}

/** The name shown top right, as `CurrentUser::display_name` builds it. */
export function displayName(user) {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** The month `n` months after `month` (YYYY-MM), earlier when negative. */
export function addMonths(month, n) {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + n;
  const y = Math.floor(index / 12);
  const mm = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(mm).padStart(2, '0')}`;
}
