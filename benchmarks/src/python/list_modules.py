# pybundle benchmarks, development fallback only (used when the CLI cannot
# build yet; every reported run builds with `pybundle build`): list the startup
# set (what `python3 -c pass` imports, with a source file) and every stdlib
# module with a source file, tests included.
# stdout: {"startup": [{"name","path","isPackage"}], "stdlib": [...]}
import sys, os, json, subprocess, sysconfig

STDLIB = os.path.realpath(sysconfig.get_paths()['stdlib'])


def rel_of(name, file):
    for root in [p for p in sys.path if p and os.path.isdir(p)]:
        root = os.path.realpath(root)
        f = os.path.realpath(file)
        if f.startswith(root + os.sep):
            return f[len(root) + 1:].replace(os.sep, '/')
    return None


out = subprocess.run([sys.executable, '-c',
    'import sys,json\nr=[]\nfor n,m in list(sys.modules.items()):\n'
    ' s=getattr(m,"__spec__",None)\n'
    ' f=getattr(m,"__file__",None)\n'
    ' if f and f.endswith(".py") and getattr(m,"__name__",None)==n: r.append((n,f,hasattr(m,"__path__")))\n'
    'print(json.dumps(r))'], capture_output=True, text=True, check=True).stdout
startup = []
for n, f, pkg in json.loads(out):
    if n in ('json', 'json.decoder', 'json.scanner', 'json.encoder'):
        continue
    rel = rel_of(n, f)
    if rel:
        startup.append({'name': n, 'path': rel, 'isPackage': pkg})

stdlib = []
skip = {'site-packages', 'lib-dynload', '__pycache__'}
for dirpath, dirs, files in os.walk(STDLIB):
    dirs[:] = sorted(d for d in dirs if d not in skip and os.path.isfile(os.path.join(dirpath, d, '__init__.py')))
    relp = os.path.relpath(dirpath, STDLIB)
    parts = [] if relp == '.' else relp.split(os.sep)
    for fn in sorted(files):
        if not fn.endswith('.py'):
            continue
        if fn == '__init__.py':
            if not parts:
                continue
            name, pkg = '.'.join(parts), True
        else:
            name, pkg = '.'.join(parts + [fn[:-3]]), False
        if '-' in name:
            continue
        stdlib.append({'name': name, 'path': '/'.join(parts + [fn]), 'isPackage': pkg})
json.dump({'startup': startup, 'stdlib': stdlib}, sys.stdout)
