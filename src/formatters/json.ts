// The JSON formatter: the CONTRACT report, one object, nothing else.
import type { Report } from '../report/types.js';

export function formatJson(report: Report, _options: object = {}): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
