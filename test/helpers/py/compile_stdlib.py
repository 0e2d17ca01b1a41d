"""Compile every .py file of this interpreter's standard library, as importlib does.

usage: python compile_stdlib.py OUT
Writes a container (container.py): record 0 = [json meta], then one record per
compiled file: [dotted name, relative path, b'1'/b'0' is-package, marshal bytes].
meta = {"root", "version", "failures": [{"path", "error"}]}.
Test suites are included; site-packages is skipped.
"""
import json
import marshal
import os
import sys
import sysconfig
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import write_records  # noqa: E402

SKIP_DIRS = {'site-packages', 'dist-packages', '__pycache__'}


def main(out):
    warnings.simplefilter('ignore')  # SyntaxWarnings from test data are not our business
    root = sysconfig.get_paths()['stdlib']
    records = []
    failures = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for fn in sorted(filenames):
            if not fn.endswith('.py'):
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, root).replace(os.sep, '/')
            parts = rel[:-3].split('/')
            is_pkg = parts[-1] == '__init__'
            if is_pkg:
                parts = parts[:-1]
            name = '.'.join(parts)
            try:
                with open(path, 'rb') as f:
                    source = f.read()
                # importlib's SourceLoader.source_to_code
                code = compile(source, path, 'exec', dont_inherit=True, optimize=0)
                data = marshal.dumps(code)
            except Exception as e:  # deliberate syntax errors and bad encodings in the test suite
                failures.append({'path': rel, 'error': '%s: %s' % (type(e).__name__, e)})
                continue
            records.append([name.encode(), rel.encode(), b'1' if is_pkg else b'0', data])
    import importlib.util
    meta = {'root': root, 'version': sys.version.split()[0], 'minor': sys.version_info[1],
            'magic': int.from_bytes(importlib.util.MAGIC_NUMBER[:2], 'little'), 'marshalVersion': marshal.version,
            'failures': failures}
    write_records(out, [[json.dumps(meta).encode()]] + records)


if __name__ == '__main__':
    main(sys.argv[1])
