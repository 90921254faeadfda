/**
 * Which TensorFlow C libraries MaskLens' tfjs-node binding runs on. The binding is built against
 * TensorFlow 2.21's headers and calls only the stable C API (TF_* and TFE_* functions present
 * since long before 2.16); it was run on the C library of the tensorflow-cpu wheels 2.16.2,
 * 2.18.1 and 2.21.0 and of the tensorflow wheel 2.21.0. Older releases are not tried, and a new
 * major version may change the C API, so both are refused with this range in the message.
 */
import { coerce, satisfies } from 'semver';

export const ACCEPTED_TENSORFLOW_VERSIONS = '>=2.16.0 <3.0.0';

/** Why a TensorFlow version is refused, or null when it is accepted. */
export function refusedTensorFlowVersion(version: string): string | null {
  const release = coerce(version);
  if (!release) return `'${version}' is not a TensorFlow version MaskLens can read`;
  return satisfies(release, ACCEPTED_TENSORFLOW_VERSIONS)
    ? null
    : `TensorFlow ${version} is outside the versions MaskLens runs on (${ACCEPTED_TENSORFLOW_VERSIONS})`;
}
