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

/**
 * GET an API path with query pairs ([name, value] arrays, names may repeat) as JSON.
 *
 * @param {string} baseUrl
 * @param {string} accessToken
 * @param {string} path e.g. `/api/v1/reports/orders/monthly`
 * @param {Array<[string, string]>|Record<string, string>} [params]
 */
export async function getJson(baseUrl, accessToken, path, params = []) {
  const response = await fetch(apiUrl(baseUrl, path, params), {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (response.status !== 200) throw await problem(response);
  return response.json();
}

/** GET an API path as bytes (a download), with its response headers. */
export async function getBytes(baseUrl, accessToken, path, params = []) {
  const response = await fetch(apiUrl(baseUrl, path, params), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (response.status !== 200) throw await problem(response);
  return { headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

function apiUrl(baseUrl, path, params) {
  const url = new URL(path, baseUrl);
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  for (const [name, value] of pairs) {
    if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
  }
  return url;
}

/** The Orders or Usage monthly view (`area` = orders | usage). */
export function getMonthly(baseUrl, token, area, params = []) {
  return getJson(baseUrl, token, `/api/v1/reports/${area}/monthly`, params);
}

/** The Orders or Usage trend view. */
export function getTrend(baseUrl, token, area, params = []) {
  return getJson(baseUrl, token, `/api/v1/reports/${area}/trend`, params);
}

/** The slicer options of the Orders or Usage report. */
export function getOptions(baseUrl, token, area, params = []) {
  return getJson(baseUrl, token, `/api/v1/reports/${area}/options`, params);
}

/** A page of the Orders or Usage detail grid. */
export function getDetails(baseUrl, token, area, params = []) {
  return getJson(baseUrl, token, `/api/v1/reports/${area}/details`, params);
}

/** One customer's view. */
export function getCustomer(baseUrl, token, customerId) {
  return getJson(baseUrl, token, `/api/v1/reports/customers/${encodeURIComponent(customerId)}`);
}

/** The number of data rows of a CSV text (header excluded; quoted newlines respected). */
export function csvRowCount(text) {
  let rows = 0;
  let quoted = false;
  let sawField = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      rows += 1;
      sawField = false;
      continue;
    }
    if (c !== '\r') sawField = true;
  }
  if (sawField) rows += 1;
  return Math.max(0, rows - 1);
}
