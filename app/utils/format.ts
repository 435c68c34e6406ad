// Numbers in words, one way everywhere (server and browser).

const rules = new Intl.PluralRules("en");

/** "signature" or "signatures", by the English plural rules (1 → one; 0, 2, 1.5 → other). */
export function plural(n: number, one: string, other: string): string {
  return rules.select(n) === "one" ? one : other;
}

/** "1 verified signature", "1,204 verified signatures". */
export function counted(n: number, one: string, other: string): string {
  return `${n.toLocaleString("en")} ${plural(n, one, other)}`;
}

// Dates, one way everywhere: "November 29, 2026" (UTC), and with the hour "November 29, 2026, 14:00 UTC".
const dayFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });

/** "November 29, 2026": the day, in UTC (the time zone every date on the site is in). */
export function formatDay(at: string | number | Date): string {
  return dayFormat.format(new Date(at));
}

/** "November 29, 2026, 14:00 UTC". */
export function formatHour(at: string | number | Date): string {
  const d = new Date(at);
  return `${dayFormat.format(d)}, ${d.toISOString().slice(11, 16)} UTC`;
}
