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
