// Makes tfjs-node's native binding safe to use from several worker threads at once.
//
// tfjs-node 4.22 keeps every op attribute name it has seen in one process-wide
// `static std::set<std::string> ATTR_NAME_SET` (binding/tfjs_backend.cc, AssignOpAttr) and
// inserts into it on every executeOp without a lock. Two MaskLens pool workers running
// TensorFlow at the same time race on that set: the process dies with SIGSEGV in
// std::_Rb_tree::_M_get_insert_unique_pos called from tfnodejs::AssignOpAttr (seen in gdb, and
// in about 1 run in 10 of two threads doing randomUniform + matMul for 1.5 s). Everything else
// the binding keeps is per thread (its TFJSBackend is napi instance data), so a mutex around
// that one insert is the whole fix. The binding is always built from source (.npmrc
// build-from-source), so patching the source before tfjs-node's install script runs is enough.
//
// Idempotent: an already patched file is left alone; a file that matches neither the known
// original nor the patched text (another tfjs-node version) fails the install loudly instead
// of building an unsafe binding.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MARKER = '// MaskLens: ATTR_NAME_SET is shared by every worker thread; guard it.';

const EDITS = [
  { before: '#include <memory>\n', after: '#include <memory>\n#include <mutex>\n' },
  {
    before: 'static std::set<std::string> ATTR_NAME_SET;\n',
    after: `static std::set<std::string> ATTR_NAME_SET;\n${MARKER}\nstatic std::mutex ATTR_NAME_SET_MUTEX;\n`,
  },
  {
    before: '  const char *attr_name =\n      ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();\n',
    after:
      '  const char *attr_name;\n'
      + '  {\n'
      + '    std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX);\n'
      + '    attr_name = ATTR_NAME_SET.insert(attr_name_string).first->c_str();\n'
      + '  }\n',
  },
];

/** Returns 'patched' or 'already patched'; throws when the source is not the expected one. */
function patchTfjsNodeBinding(tfjsNodeDir) {
  const file = path.join(tfjsNodeDir, 'binding', 'tfjs_backend.cc');
  const source = fs.readFileSync(file, 'utf8');
  if (source.includes(MARKER)) return 'already patched';
  let patched = source;
  for (const { before, after } of EDITS) {
    const at = patched.indexOf(before);
    if (at === -1 || patched.indexOf(before, at + 1) !== -1) {
      throw new Error(`${file} does not contain exactly one ${JSON.stringify(before.trim().split('\n')[0])}; `
        + 'this tfjs-node version is not the one MaskLens knows how to make thread-safe.');
    }
    patched = patched.slice(0, at) + after + patched.slice(at + before.length);
  }
  fs.writeFileSync(file, patched);
  return 'patched';
}

module.exports = { patchTfjsNodeBinding, MARKER };
