/**
 * What a dead runtime process says and when a new one may start: the stderr line that explains
 * a crash, the kept tail of its output, and the crash-loop throttle on a clock the test moves.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crashReason, describeExit, describeTask, StderrTail } from '../../src/runtimeProcess/crash';
import { RestartThrottle } from '../../src/runtimeProcess/restartThrottle';

describe('crash descriptions', () => {
  test("the C++ runtime's last words name the exception and its message", () => {
    // What this machine's TensorFlow printed when a Dense(10**8) layer was built on 3 inputs.
    const tail = [
      'E0000 00:00:1796491184.841206   12869 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)',
      "terminate called after throwing an instance of 'dnnl::error'",
      '  what():  could not create a primitive',
    ];
    assert.equal(crashReason(tail), 'oneDNN error: could not create a primitive');
    assert.equal(
      describeExit({ code: null, signal: 'SIGABRT' }, tail),
      'SIGABRT: oneDNN error: could not create a primitive',
    );
    assert.equal(
      crashReason(["terminate called after throwing an instance of 'std::length_error'"]),
      'std::length_error',
    );
  });

  test("TensorFlow's fatal log line and V8's out-of-memory line are quoted", () => {
    assert.equal(
      crashReason([
        'F0000 00:00:1700000000.000000    4242 tensor_shape.cc:413] Check failed: 0 <= new_num_elements (0 vs. -1)',
      ]),
      'Check failed: 0 <= new_num_elements (0 vs. -1)',
    );
    assert.equal(
      crashReason([
        '<--- Last few GCs --->',
        'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      ]),
      'Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
  });

  test('without an explaining line, the signal or exit code alone; SIGKILL says who usually sends it', () => {
    const noise = ['I0000 00:00:1.0 1 port.cc:153] oneDNN custom operations are on.'];
    assert.equal(crashReason(noise), null);
    assert.equal(describeExit({ code: null, signal: 'SIGSEGV' }, noise), 'SIGSEGV');
    assert.equal(describeExit({ code: 3, signal: null }, []), 'exit code 3');
    assert.match(
      describeExit({ code: null, signal: 'SIGKILL' }, []),
      /^SIGKILL: killed from outside, e\.g\. by the system when memory ran out$/,
    );
  });

  test('each task kind is described with its model', () => {
    assert.equal(describeTask({ kind: 'evaluate', model: 'm' }), "evaluating model 'm'");
    assert.equal(describeTask({ kind: 'train', model: 'tagger' }), "training model 'tagger'");
    assert.equal(describeTask({ kind: 'compare', model: 'm' }), "comparing the losses of model 'm'");
    assert.equal(describeTask({ kind: 'probe', model: null }), 'probing the TensorFlow backend');
  });

  test('the stderr tail keeps the last lines, joins chunks split mid-line and drops blank lines', () => {
    const tail = new StderrTail(3);
    assert.deepEqual(tail.push('one\ntw'), ['one']);
    assert.deepEqual(tail.push('o\r\n\nthree\nfour\nfi'), ['two', 'three', 'four']);
    assert.deepEqual(tail.text, ['two', 'three', 'four', 'fi']);
  });
});

describe('restart throttle', () => {
  test('refuses after the limit within the window, and allows again once the oldest crash leaves it', () => {
    let now = 1_000_000;
    const throttle = new RestartThrottle({ crashes: 3, windowMs: 60_000 }, () => now);
    for (const at of [0, 10_000, 20_000]) {
      assert.equal(throttle.waitMs(), 0);
      now = 1_000_000 + at;
      throttle.recordCrash();
    }
    // crashes at 0 s, 10 s, 20 s; now 20 s: the one at 0 s leaves the window at 60 s
    assert.equal(throttle.waitMs(), 40_000);
    now = 1_000_000 + 59_999;
    assert.equal(throttle.waitMs(), 1);
    now = 1_000_000 + 60_000;
    assert.equal(throttle.waitMs(), 0);
    assert.equal(throttle.recent, 2);
    assert.equal(throttle.describe(), '3 times within 60 s');
  });

  test('crashes spread wider than the window never stop restarts', () => {
    let now = 0;
    const throttle = new RestartThrottle({ crashes: 2, windowMs: 1000 }, () => now);
    for (let i = 0; i < 10; i++) {
      now += 1001;
      throttle.recordCrash();
      assert.equal(throttle.waitMs(), 0, `crash ${i + 1}`);
    }
  });
});
