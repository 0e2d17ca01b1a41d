# pybundle benchmarks: write the .pyc files CPython itself would write for a
# bundle's modules, so the ".pyc from disk" and zip contenders read exactly the
# code the bundle holds, compiled by the same interpreter.
#
# stdin:  {"out": dir, "modules": [{"name", "path"}], "jobs": n}
#         path is relative to a sys.path root, '/'-separated ("json/__init__.py")
# stdout: {"written": n, "missing": [names], "failed": [names that do not compile], "bytes": total}
# Writes out/<path without .py>.pyc (timestamp pyc, like py_compile).
import sys
import os
import json
import importlib.util
from importlib._bootstrap_external import _code_to_timestamp_pyc
from concurrent.futures import ProcessPoolExecutor

ROOTS = [p for p in sys.path if p and os.path.isdir(p)]


def find(rel):
    for root in ROOTS:
        f = os.path.join(root, rel)
        if os.path.isfile(f):
            return f
    return None


def one(job):
    out, name, rel = job
    src = find(rel)
    if src is None:
        return name, -1
    dst = os.path.join(out, rel[:-3] + '.pyc' if rel.endswith('.py') else rel)
    if rel.endswith('.pyc'):
        with open(src, 'rb') as f:
            data = f.read()
    else:
        with open(src, 'rb') as f:
            source = f.read()
        st = os.stat(src)
        try:
            code = compile(source, src, 'exec', dont_inherit=True, optimize=0)
        except (SyntaxError, ValueError):
            return name, -2
        data = bytes(_code_to_timestamp_pyc(code, st.st_mtime, st.st_size))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = dst + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, dst)
    return name, len(data)


def main():
    req = json.load(sys.stdin)
    jobs = [(req['out'], m['name'], m['path']) for m in req['modules'] if m['path']]
    written, missing, failed, total = 0, [], [], 0
    with ProcessPoolExecutor(max_workers=req.get('jobs') or os.cpu_count()) as ex:
        for name, n in ex.map(one, jobs, chunksize=16):
            if n == -1:
                missing.append(name)
            elif n == -2:
                failed.append(name)
            else:
                written += 1
                total += n
    json.dump({'written': written, 'missing': missing, 'failed': failed, 'bytes': total}, sys.stdout)


if __name__ == '__main__':
    main()
