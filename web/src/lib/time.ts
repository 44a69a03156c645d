/**
 * Time in the browser's zone: period boundaries for the overview, statistics bucket keys, and
 * how times are shown. Pure (Date and Intl only), so the unit tests run it under any TZ.
 * Times on the wire are Unix seconds.
 */

export type Seconds = number;

export const toSeconds = (date: Date): Seconds => Math.floor(date.getTime() / 1000);
export const fromSeconds = (seconds: Seconds): Date => new Date(seconds * 1000);

/**
 * The browser's IANA zone, passed to statistics as `tz`, so that the server's day and hour
 * buckets are the ones the browser shows. Without a usable name, the current offset.
 */
export function browserZone(now = new Date()): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (name && name !== 'Etc/Unknown') return name;
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The first instant of a local date. Where a zone skips midnight (DST starting at 00:00), Date
 * gives the first instant that shows the date, as the server's day buckets do.
 */
export const startOfDay = (date: Date): Date => new Date(date.getFullYear(), date.getMonth(), date.getDate());

/** The same wall-clock time `days` local days later (earlier when negative). */
export const addDays = (date: Date, days: number): Date =>
  new Date(
    date.getFullYear(),
    date.getMonth(),
    date.getDate() + days,
    date.getHours(),
    date.getMinutes(),
    date.getSeconds(),
  );

export const startOfMonth = (date: Date): Date => new Date(date.getFullYear(), date.getMonth(), 1);

const daysInMonth = (year: number, month: number) => new Date(year, month + 1, 0).getDate();

/**
 * The first day of the week for the browser's locale (0 = Sunday … 6 = Saturday), from
 * Intl.Locale's week info where the browser has it, else Monday (ISO 8601).
 */
export function firstDayOfWeek(locale?: string): number {
  try {
    const intlLocale = new Intl.Locale(locale ?? Intl.DateTimeFormat().resolvedOptions().locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = intlLocale.getWeekInfo?.() ?? intlLocale.weekInfo;
    // Intl numbers days 1 (Monday) … 7 (Sunday).
    if (info && info.firstDay >= 1 && info.firstDay <= 7) return info.firstDay % 7;
  } catch {
    // An unknown locale: fall through to ISO.
  }
  return 1;
}

export const startOfWeek = (date: Date, firstDay: number): Date => {
  const back = (date.getDay() - firstDay + 7) % 7;
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() - back);
};

/** A calendar period so far, and the previous one cut at the same point, for "change against". */
export interface Period {
  /** The whole current period: [since, until). `until` is in the future, so late clocks still count. */
  since: Seconds;
  until: Seconds;
  /** The previous period from its start to the same point in it as now is in the current one. */
  previousSince: Seconds;
  previousUntil: Seconds;
}

export type PeriodName = 'today' | 'week' | 'month';

/**
 * Today, this week and this month in the browser's zone, each with the previous period up to the
 * same wall-clock point: yesterday until this time, last week until this weekday and time, last
 * month until this day of the month and time (or its end, when it is shorter).
 */
export function periods(now: Date, weekStartsOn: number): Record<PeriodName, Period> {
  const day = startOfDay(now);
  const week = startOfWeek(now, weekStartsOn);
  const month = startOfMonth(now);
  const previousMonth = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const sameDayLastMonth = new Date(
    previousMonth.getFullYear(),
    previousMonth.getMonth(),
    Math.min(now.getDate(), daysInMonth(previousMonth.getFullYear(), previousMonth.getMonth())),
    now.getHours(),
    now.getMinutes(),
    now.getSeconds(),
  );
  const cap = (end: Date, limit: Date) => toSeconds(end < limit ? end : limit);
  return {
    today: {
      since: toSeconds(day),
      until: toSeconds(addDays(day, 1)),
      previousSince: toSeconds(addDays(day, -1)),
      previousUntil: cap(addDays(now, -1), day),
    },
    week: {
      since: toSeconds(week),
      until: toSeconds(addDays(week, 7)),
      previousSince: toSeconds(addDays(week, -7)),
      previousUntil: cap(addDays(now, -7), week),
    },
    month: {
      since: toSeconds(month),
      until: toSeconds(new Date(now.getFullYear(), now.getMonth() + 1, 1)),
      previousSince: toSeconds(previousMonth),
      previousUntil: cap(sameDayLastMonth, month),
    },
  };
}

/** Relative change from `previous` to `current`, or undefined when there is nothing to compare with. */
export const change = (current: number, previous: number): number | undefined =>
  previous === 0 ? undefined : (current - previous) / previous;

/**
 * The start of a statistics bucket from its key: `2026-11-27` (a local day) or
 * `2026-11-27T13:00+01:00` (a local hour with its offset; offsets may carry seconds).
 */
export function bucketStart(key: string): Seconds {
  const hour = /^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)([+-])(\d\d):(\d\d)(?::(\d\d))?$/.exec(key);
  if (hour) {
    const [, y, mo, d, h, mi, sign, oh, om, os] = hour;
    const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) / 1000;
    const offset = Number(oh) * 3600 + Number(om) * 60 + Number(os ?? 0);
    return local - (sign === '-' ? -offset : offset);
  }
  const day = /^(\d{4,})-(\d\d)-(\d\d)$/.exec(key);
  if (day) {
    const [, y, mo, d] = day;
    return toSeconds(new Date(Number(y), Number(mo) - 1, Number(d)));
  }
  throw new Error(`not a bucket key: ${key}`);
}

/** Local day starts in [since, until). */
export function dayStarts(since: Seconds, until: Seconds): Seconds[] {
  const starts: Seconds[] = [];
  for (let day = startOfDay(fromSeconds(since)); toSeconds(day) < until; day = addDays(day, 1)) {
    if (toSeconds(day) >= since) starts.push(toSeconds(day));
  }
  return starts;
}

/**
 * Local hour starts in [since, until), `since` being an hour start. Hours where an offset change
 * cuts them differently come from the answer's own keys, merged in by the caller.
 */
export function hourStarts(since: Seconds, until: Seconds): Seconds[] {
  const starts: Seconds[] = [];
  for (let t = since; t < until; t += 3600) starts.push(t);
  return starts;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "just now", "5 min. ago", "3 hr. ago", "2 days ago", in the browser's language. */
export function formatAgo(seconds: Seconds, now: Seconds): string {
  const age = now - seconds;
  if (age < 45 && age > -45) return 'just now';
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86_400, 'day'],
  ];
  const abs = Math.abs(age);
  let [size, unit] = steps[0] as [number, Intl.RelativeTimeFormatUnit];
  for (const step of steps) if (abs >= step[0]) [size, unit] = step;
  if (abs >= 86_400 * 60) return formatDate(seconds);
  return relative.format(-Math.round(age / size), unit);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export const formatDateTime = (seconds: Seconds) => dateTime.format(fromSeconds(seconds));
export const formatDate = (seconds: Seconds) => dateOnly.format(fromSeconds(seconds));
export const formatShort = (seconds: Seconds) => shortDateTime.format(fromSeconds(seconds));

/** The value of an `<input type="datetime-local">` for a time, and back. */
export function toLocalInput(seconds: Seconds): string {
  const d = fromSeconds(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): Seconds | undefined {
  const match = /^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return toSeconds(new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
}
