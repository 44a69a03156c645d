/**
 * Choices that decide which requests the dashboard sends, shared by its views and by the
 * catalogue of its requests that the tests and the benchmark replay (test/e2e/requests.ts), so
 * that the benchmark times what the dashboard really asks for at a given farm size.
 */

/** Days of history in the devices' and accounts' sparklines; the last is today. */
export const SPARK_DAYS = 7;

/**
 * Up to this many keys, the week's sparklines come from one `group_by=<field>,day` request (at
 * most 3,500 groups); with more keys, from one request per day. Both cost about the same in
 * all; day by day keeps every request small (each under ~20 ms at 10M records, where one
 * request for 1,500 accounts' week took 40–80 ms) and never hits the 10,000-group limit.
 */
export const WEEK_IN_ONE_REQUEST = 500;

/** How the sparklines of a table with `keys` rows are asked for. */
export const sparklineRequests = (keys: number): 'one-for-the-week' | 'one-per-day' =>
  keys <= WEEK_IN_ONE_REQUEST ? 'one-for-the-week' : 'one-per-day';
