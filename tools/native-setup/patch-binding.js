// Fixes two faults in tfjs-node 4.22's native binding (binding/tfjs_backend.cc) before it is
// built. The binding is always built from source (.npmrc build-from-source), so patching the
// source before tfjs-node's install script runs is enough.
//
// 1. Several worker threads at once. The binding keeps every op attribute name it has seen in
//    one process-wide `static std::set<std::string> ATTR_NAME_SET` (AssignOpAttr) and inserts
//    into it on every executeOp without a lock. Two MaskLens pool workers running TensorFlow
//    at the same time race on that set: the process dies with SIGSEGV in
//    std::_Rb_tree::_M_get_insert_unique_pos called from tfnodejs::AssignOpAttr (seen in gdb,
//    and in about 1 run in 10 of two threads doing randomUniform + matMul for 1.5 s).
//    Everything else the binding keeps is per thread (its TFJSBackend is napi instance data),
//    so a mutex around that one insert is the whole fix.
// 2. A use after free on an error path. CreateTFE_TensorHandleFromTypedArray hands `auto_ref`
//    (the reference that keeps a JS typed array alive while TensorFlow shares its memory) to
//    TF_NewTensor as the deallocator's argument; when TFE_NewTensorHandle then fails it
//    deletes `auto_ref` itself, and TF_AutoTensor's destructor (TF_DeleteTensor) calls the
//    deallocator on the freed object, which cleans it up and deletes it again. Seen: SIGSEGV
//    through the freed object's vtable (gdb), and valgrind's invalid reads and frees; the test
//    injects that failure (test/pool/nativeBinding.test.ts). The fix leaves `auto_ref` to the
//    deallocator, and also refuses a null tensor instead of handing it to TFE_NewTensorHandle.
//
// Idempotent edit by edit: an edit already applied is left alone, so a tree patched by an
// earlier version of this file gets the edits it lacks. A file that matches neither an edit's
// original nor its patched text (another tfjs-node version) fails the install loudly instead
// of building an unsafe binding.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MARKER = '// MaskLens: ATTR_NAME_SET is shared by every worker thread; guard it.';
const AUTO_REF_MARKER = '// MaskLens: from here auto_ref belongs to the tensor';

const EDITS = [
  { before: '#include <memory>\n', after: '#include <memory>\n#include <mutex>\n' },
  {
    before: 'static std::set<std::string> ATTR_NAME_SET;\n',
    after: `static std::set<std::string> ATTR_NAME_SET;\n${MARKER}\nstatic std::mutex ATTR_NAME_SET_MUTEX;\n`,
  },
  {
    before: '  const char *attr_name =\n      ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();\n',
    after:
      '  const char *attr_name;\n' +
      '  {\n' +
      '    std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX);\n' +
      '    attr_name = ATTR_NAME_SET.insert(attr_name_string).first->c_str();\n' +
      '  }\n',
  },
  {
    before:
      '                                    byte_size, DeallocTensor, auto_ref));\n' +
      '\n' +
      '  TF_AutoStatus tf_status;\n' +
      '  TFE_TensorHandle *tfe_tensor_handle =\n' +
      '      TFE_NewTensorHandle(tensor.tensor, tf_status.status);\n' +
      '  if (TF_GetCode(tf_status.status) != TF_OK) {\n' +
      '    delete auto_ref;\n' +
      '    TFE_DeleteTensorHandle(tfe_tensor_handle);\n' +
      '  }\n' +
      '  ENSURE_TF_OK_RETVAL(env, tf_status, nullptr);\n',
    after:
      '                                    byte_size, DeallocTensor, auto_ref));\n' +
      `  ${AUTO_REF_MARKER}: TF_DeleteTensor (TF_AutoTensor's\n` +
      '  // destructor) calls DeallocTensor, which cleans it up and deletes it. Deleting it here too\n' +
      '  // when TFE_NewTensorHandle failed made that call use freed memory and delete it twice.\n' +
      '  if (tensor.tensor == nullptr) {\n' +
      '    NAPI_THROW_ERROR(env, "TensorFlow refused a tensor of %zu bytes", byte_size);\n' +
      '    return nullptr;\n' +
      '  }\n' +
      '\n' +
      '  TF_AutoStatus tf_status;\n' +
      '  TFE_TensorHandle *tfe_tensor_handle =\n' +
      '      TFE_NewTensorHandle(tensor.tensor, tf_status.status);\n' +
      '  ENSURE_TF_OK_RETVAL(env, tf_status, nullptr);\n',
  },
];

const once = (text, part) => {
  const at = text.indexOf(part);
  return at !== -1 && text.indexOf(part, at + 1) === -1 ? at : -1;
};

/** Returns 'patched (N edits)' or 'already patched'; throws when the source is not the expected one. */
function patchTfjsNodeBinding(tfjsNodeDir) {
  const file = path.join(tfjsNodeDir, 'binding', 'tfjs_backend.cc');
  const source = fs.readFileSync(file, 'utf8');
  let patched = source;
  let applied = 0;
  for (const { before, after } of EDITS) {
    if (once(patched, after) !== -1) continue;
    const at = once(patched, before);
    if (at === -1) {
      throw new Error(
        `${file} does not contain exactly one ${JSON.stringify(before.trim().split('\n')[0])}; ` +
          'this tfjs-node version is not the one MaskLens knows how to patch.',
      );
    }
    patched = patched.slice(0, at) + after + patched.slice(at + before.length);
    applied++;
  }
  if (applied === 0) return 'already patched';
  fs.writeFileSync(file, patched);
  return `patched (${applied} edit${applied === 1 ? '' : 's'})`;
}

module.exports = { patchTfjsNodeBinding, MARKER, AUTO_REF_MARKER };
