/**
 * Parameter values for CloudFormation templates, from the command line (`--parameters K=V,K2=V2`)
 * or a file in one of the shapes the AWS tools use:
 * - `aws cloudformation create-stack --parameters file://p.json`: `[{ "ParameterKey": "K", "ParameterValue": "V" }]`
 * - `aws cloudformation deploy --parameter-overrides`: `["K=V", ...]`
 * - a CodePipeline template configuration file: `{ "Parameters": { "K": "V" } }`
 * - a plain object `{ "K": "V" }`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../engine/configuration.js';
import { jsonSyntaxError } from '../json-tree.js';

/** Parses `K=V,K2=V2` (values may contain `=`; a value with commas needs the file form). Throws ConfigError. */
export function parseParameterList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--parameters: expected Key=Value, got '${part.trim()}'`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return out;
}

/** Reads a parameters file in any of the shapes above. Throws ConfigError naming the file. */
export function readParametersFile(file: string): Record<string, string> {
  let value: unknown;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`--parameters-file ${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    value = JSON.parse(text);
  } catch {
    // Node's message quotes the text around the error, which may be a secret value.
    const e = jsonSyntaxError(text);
    throw new ConfigError(`--parameters-file ${file}:${e.line}:${e.column}: ${e.message}`);
  }
  const out: Record<string, string> = {};
  const bad = (why: string) => new ConfigError(`--parameters-file ${file}: ${why}`);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') Object.assign(out, parseParameterList(item.replace(/,/g, '\u0000')));
      else if (item && typeof item === 'object' && typeof (item as Record<string, unknown>).ParameterKey === 'string') {
        const { ParameterKey, ParameterValue, UsePreviousValue } = item as Record<string, unknown>;
        if (UsePreviousValue === true) continue;
        out[ParameterKey as string] = String(ParameterValue ?? '');
      } else throw bad('each entry must be "Key=Value" or { "ParameterKey": ..., "ParameterValue": ... }');
    }
    for (const k of Object.keys(out)) out[k] = out[k].replace(/\u0000/g, ',');
    return out;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const params = obj.Parameters && typeof obj.Parameters === 'object' && !Array.isArray(obj.Parameters) ? (obj.Parameters as Record<string, unknown>) : obj;
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'object' && v !== null) throw bad(`parameter ${k} must be a string`);
      out[k] = String(v);
    }
    return out;
  }
  throw bad('expected a JSON array or object of parameters');
}
