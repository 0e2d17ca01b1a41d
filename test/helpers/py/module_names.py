"""Print (JSON) every module name this interpreter's standard library can import.

usage: python module_names.py
Names of .py files under the stdlib (test suites included, as compile_stdlib.py
names them), extension modules (lib-dynload), built-in and frozen modules.
"""
import importlib.machinery
import json
import os
import sys
import sysconfig

SKIP_DIRS = {'site-packages', 'dist-packages', '__pycache__'}


def main():
    names = set(sys.builtin_module_names)
    root = sysconfig.get_paths()['stdlib']
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, '/')
        prefix = [] if rel_dir == '.' else rel_dir.split('/')
        if prefix and prefix[0] == 'lib-dynload':
            prefix = prefix[1:]
        for fn in filenames:
            if fn.endswith('.py'):
                stem = fn[:-3]
            else:
                suffix = next((s for s in suffixes if fn.endswith(s)), None)
                if suffix is None:
                    continue
                stem = fn[:-len(suffix)]
            parts = prefix + ([] if stem == '__init__' else [stem])
            if parts:
                names.add('.'.join(parts))
    try:
        import _imp
        names.update(n for n in getattr(_imp, '_frozen_module_names', lambda: ())())
    except Exception:
        pass
    for n in ('__hello__', '__phello__', '__phello__.spam'):
        try:
            # FrozenImporter alone: find_spec of a dotted name would import (run) the parent
            if importlib.machinery.FrozenImporter.find_spec(n) is not None:
                names.add(n)
        except Exception:
            pass
    print(json.dumps(sorted(names)))


if __name__ == '__main__':
    main()
