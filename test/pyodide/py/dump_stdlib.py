"""Compile every .py of Pyodide's stdlib folder (as the pyodide interpreter extracts it)
the way compile.py does, and write [dotted name, marshal.dumps(code)] records.

usage (inside Pyodide, via PyodideInterpreter): dump_stdlib.py OUT
"""
import marshal
import os
import sys
import sysconfig
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'helpers', 'py'))
from container import write_records  # noqa: E402

warnings.simplefilter('ignore')
root = os.path.realpath(sysconfig.get_paths()['stdlib'])  # '//lib/python3.14' in Pyodide
records = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if d not in ('site-packages', 'lib-dynload', '__pycache__'))
    for fn in sorted(filenames):
        if not fn.endswith('.py'):
            continue
        path = os.path.join(dirpath, fn)
        rel = os.path.relpath(path, root)[:-3].split(os.sep)
        if rel[-1] == '__init__':
            rel = rel[:-1]
        with open(path, 'rb') as f:
            code = compile(f.read(), path, 'exec', dont_inherit=True)
        records.append(['.'.join(rel).encode(), marshal.dumps(code)])
write_records(sys.argv[1], records)
print(len(records))
