// The JSON formatter: the report of docs/surface.md, one object, nothing else.
import type { Report } from '../report/types.js';

export function formatJson(report: Report, _options: object = {}): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
