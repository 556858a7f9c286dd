// Locale-free string order for machine identifiers (paths, resource names, timestamps).

/**
 * Orders strings by UTF-16 code units. For paths, names and RFC 3339 timestamps this is the order
 * wanted, the same on every machine; `localeCompare` depends on the ICU data at hand, and its first
 * call starts a collator, which a collection paid on its critical path (bench/README.md, "Choices in the code").
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
