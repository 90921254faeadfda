/** Validates a SARIF log against the official SARIF 2.1.0 JSON schema (fixtures/README.md says where it comes from). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const schema: unknown = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sarif-2.1.0-rtm.5.json'), 'utf8'));

/** The schema's complaints about `log`, one per line; empty when it is valid SARIF 2.1.0. */
export function sarifErrors(log: unknown): string {
  // strict: false, because the schema uses keywords of its own draft that Ajv's strict mode rejects (e.g. "id");
  // unicodeRegExp: false, because one of its patterns (a language tag's) is valid only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  return validate(log) ? '' : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`).join('\n');
}
