/**
 * One minute (or --seconds) of mixed traffic against an actlog server, run as its own
 * process by soak.ts so that the load never shares the server's event loop. Prints one
 * JSON line: requests, throughput, latency percentiles, errors and non-2xx answers.
 */
import autocannon from 'autocannon';

const [origin, seconds, maxId] = [
  process.argv[2] as string,
  Number(process.argv[3] ?? 60),
  Number(process.argv[4] ?? 1),
];
const platforms = ['tiktok', 'instagram', 'youtube'];
let n = 0;
const body = () => {
  n++;
  return JSON.stringify({
    platform: platforms[n % 3],
    serial: `device_${n % 200}`,
    action_type: n % 5 === 0 ? 'follow' : 'post',
    action_detail: `soak record ${n}`,
    username: `user${n % 40}`,
  });
};

const result = await autocannon({
  url: origin,
  connections: 20,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      path: '/api/v1/activity_log',
      headers: { 'content-type': 'application/json' },
      setupRequest: (r) => ({ ...r, body: body() }),
    },
    {
      method: 'POST',
      path: '/api/v1/activity_log',
      headers: { 'content-type': 'application/json' },
      setupRequest: (r) => ({ ...r, body: body() }),
    },
    { method: 'GET', path: '/api/v1/activity_log?limit=100' },
    { method: 'GET', path: '/api/v1/activity_log?platform=tiktok&serial=device_7&limit=50' },
    { method: 'GET', path: '/api/v1/activity_log/count?platform=instagram&action_type=post' },
    {
      method: 'DELETE',
      // Mostly ids that exist (deleted), some already gone (404): both are normal traffic.
      setupRequest: (r) => ({
        ...r,
        path: `/api/v1/activity_log/${1 + Math.floor(Math.random() * Math.max(maxId, 1) * 1.2)}`,
      }),
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    status5xx: result['5xx'],
  })}\n`,
);
