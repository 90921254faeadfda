/**
 * The label every verdict carries: the Keras release it holds for and, where the version
 * sweep (test/golden/sweep.py) did not run that very release, whose rules apply and which
 * releases they were checked against. The rules change only at the versions the rows name
 * (`from` / `until`), so a release between two checked ones of the same span gets their rules.
 */
import { coerce, compare, gt, gte, lt, SemVer } from 'semver';
import type { KerasFamily } from '../ir';
import { CHECKED_RELEASES, FAMILY_HISTORY } from '../masking/registry';
import { KERAS_OP_RULES, MASK_RULES, NESTED_MODEL_RULES } from './rules';

function release(version: string): SemVer {
  return coerce(version) ?? new SemVer('0.0.0');
}

/** Every version at which one of the family's rows starts or stops holding, oldest first. */
function boundaries(family: KerasFamily): SemVer[] {
  const rows = [...Object.values(MASK_RULES).flat(), ...NESTED_MODEL_RULES, ...KERAS_OP_RULES].filter(
    (r) => r.family === family,
  );
  const versions = [...rows, ...FAMILY_HISTORY[family]]
    .flatMap((r) => [r.from, r.until])
    .filter((v): v is string => v !== undefined);
  const unique = [...new Map(versions.map((v) => [release(v).version, release(v)])).values()];
  return unique.sort(compare);
}

const spans = new Map<KerasFamily, SemVer[]>();

/** The span of versions over which every rule of the family is the same as at `version`. */
export function ruleSpan(family: KerasFamily, version: string): { from: SemVer | null; until: SemVer | null } {
  let points = spans.get(family);
  if (!points) {
    points = boundaries(family);
    spans.set(family, points);
  }
  const v = release(version);
  const from = [...points].reverse().find((p) => gte(v, p)) ?? null;
  const until = points.find((p) => lt(v, p)) ?? null;
  return { from, until };
}

const minor = (v: SemVer): string => `${v.major}.${v.minor}`;

function checkedAgainst(releases: SemVer[]): string {
  if (releases.length === 1) return `checked against ${releases[0].version}`;
  if (releases.length === 2) return `checked against ${releases[0].version} and ${releases[1].version}`;
  return `checked against ${releases.length} releases from ${releases[0].version} to ${releases[releases.length - 1].version}`;
}

const labels = new Map<string, string>();

/** "Keras 3.3.3" for a release the sweep ran; otherwise which rules apply and how far they were checked. */
export function versionLabel(family: KerasFamily, version: string): string {
  // Every diagnostic ends with the label: the answer is constant per family and version.
  const key = `${family}|${version}`;
  let label = labels.get(key);
  if (label === undefined) {
    label = computeLabel(family, version);
    if (labels.size < 1_000) labels.set(key, label);
  }
  return label;
}

function computeLabel(family: KerasFamily, version: string): string {
  const name = `${family === 'keras3' ? 'Keras' : 'tf.keras'} ${version}`;
  const checked = CHECKED_RELEASES[family].map(release).sort(compare);
  const v = release(version);
  if (checked.some((c) => c.compare(v) === 0)) return name;
  const span = ruleSpan(family, version);
  const inSpan = checked.filter((c) => (!span.from || gte(c, span.from)) && (!span.until || lt(c, span.until)));
  if (inSpan.length === 0) {
    const bound = span.from ? `from ${span.from.version} on` : `before ${span.until?.version ?? 'any release checked'}`;
    const nearest = span.from
      ? `the newest release checked is ${checked[checked.length - 1]?.version ?? 'none'}`
      : `the oldest release checked is ${checked[0]?.version ?? 'none'}`;
    return `${name}: the rules ${bound}, not checked against any release (${nearest})`;
  }
  const first = inSpan[0];
  const last = inSpan[inSpan.length - 1];
  const range = minor(first) === minor(last) ? minor(first) : `${minor(first)}–${minor(last)}`;
  const outside =
    lt(v, first) || gt(v, last) ? `; ${version} itself lies outside the releases checked for these rules` : '';
  return `${name}: rules of ${range}, ${checkedAgainst(inSpan)}${outside}`;
}
