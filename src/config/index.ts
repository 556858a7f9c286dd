// The --config file (YAML): ignores with reasons and expiry, custom redaction patterns, read budgets; validated.
import { readFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.js';
import type { ReadBudget } from '../readers/types.js';

export interface Ignore {
  rule: string;
  /** Only findings about this object (any field left out matches every value). */
  resource?: { kind?: string; namespace?: string; name?: string };
  /** Why it is ignored: required, so that a reader of the config knows. */
  reason: string;
  /** A date (`2026-12-31`, through the end of that day) or timestamp after which the ignore no longer applies. */
  expires?: string;
}

export interface RedactionConfig {
  patterns?: { name: string; regex: string; flags?: string }[];
}

export interface Config {
  file?: string;
  ignores: Ignore[];
  redaction?: RedactionConfig;
  budget?: Partial<ReadBudget>;
}

const positiveInteger = { type: 'integer', minimum: 1 };

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ignores: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'reason'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          resource: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
          },
          reason: { type: 'string', minLength: 1 },
          expires: { type: 'string', minLength: 1 },
        },
      },
    },
    redaction: {
      type: 'object',
      additionalProperties: false,
      properties: {
        patterns: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'regex'],
            properties: {
              name: { type: 'string', minLength: 1 },
              regex: { type: 'string', minLength: 1 },
              flags: { type: 'string', pattern: '^[gimsuvy]*$' },
            },
          },
        },
      },
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxDecompressedBytes: positiveInteger,
        maxEntries: positiveInteger,
        maxStructuredFileBytes: positiveInteger,
        maxLineLength: positiveInteger,
        maxLogBytes: positiveInteger,
        maxDepth: positiveInteger,
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

/** The schema check, made on first use: ajv and yaml load only when a --config file is given. */
async function configValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const { Ajv } = await import('ajv');
    validator = new Ajv({ allErrors: false, strict: true }).compile(CONFIG_SCHEMA);
  }
  return validator;
}

function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra) parts.push(extra);
  return parts.reduce((f, p) => (/^\d+$/.test(p) ? `${f}[${p}]` : f ? `${f}.${p}` : p), '');
}

/** Validates an already parsed config; `file` names it in errors. */
function parseConfig(value: unknown, file: string, validate: ValidateFunction): Config {
  const data = value ?? {};
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const params = e.params as Record<string, string>;
    const extra = params.additionalProperty ?? params.missingProperty;
    const what = e.keyword === 'additionalProperties' ? 'unknown field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    const field = fieldOf(e.instancePath, extra);
    throw new ConfigError(file, field ? `${field}: ${what}` : what);
  }
  const config = data as Omit<Config, 'file' | 'ignores'> & { ignores?: Ignore[] };
  (config.ignores ?? []).forEach((ignore, i) => {
    if (ignore.expires !== undefined) {
      // YAML reads an unquoted date as a string here (core schema), but a Date may come from the API.
      const expires = String(ignore.expires);
      if (!Number.isFinite(Date.parse(expires))) throw new ConfigError(file, `ignores[${i}].expires: "${expires}" is not a date (e.g. 2026-12-31)`);
    }
  });
  (config.redaction?.patterns ?? []).forEach((p, i) => {
    try {
      new RegExp(p.regex, p.flags);
    } catch (error) {
      throw new ConfigError(file, `redaction.patterns[${i}].regex: invalid regular expression: ${(error as Error).message}`);
    }
  });
  const result: Config = { file, ignores: config.ignores ?? [] };
  if (config.redaction) result.redaction = config.redaction;
  if (config.budget) result.budget = config.budget;
  return result;
}

export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors[0]) throw new ConfigError(path, `invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return parseConfig(doc.toJS({ maxAliasCount: 100 }), path, await configValidator());
}
