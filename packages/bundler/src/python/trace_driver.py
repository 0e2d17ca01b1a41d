# pybundle helper: run a program as `python ARGS...` would, then report every
# module it left in sys.modules.
#
# usage: python trace_driver.py [--path DIR]... -c CODE [args...]
#        python trace_driver.py [--path DIR]... -m MODULE [args...]
#        python trace_driver.py [--path DIR]... SCRIPT [args...]
#        python trace_driver.py [--path DIR]...    (nothing: what startup imports)
#
# Each --path DIR ([modules] paths) is put on sys.path where PYTHONPATH puts
# it, before the standard library, unless it is there already: a subprocess
# interpreter has it from PYTHONPATH, an in-process one (Pyodide) read its
# environment long before and needs it here.
#
# The driver imports nothing before the program runs (only `sys`, which is
# built in), so the modules it reports are the interpreter's startup modules
# plus the program's. `-m` imports runpy, as `python -m` itself does.
#
# The report goes to stdout after the program's own output (sys.__stdout__, the
# stream the interpreter started with, since the program may replace
# sys.stdout), as one line:
#   MARKER + JSON {"status": exit status, "modules": [{name, spec, origin,
#   hasLocation, locations, loader, frozenFile}, ...]}
# Runs in any CPython 3.8+ (and Pyodide): no subprocess, no multiprocessing.
import sys

MARKER = '\x00PYBUNDLE-TRACE\x00'

_here = globals().get('__file__')
if sys.path and _here and sys.path[0] == _here.rpartition('/')[0]:
    del sys.path[0]


def _posix():
    # posix (nt) is built in and loaded at startup by importlib itself; `os` is
    # not loaded under -S, and importing it would add modules to the report.
    return sys.modules.get('posix') or sys.modules.get('nt') or __import__('os')


def _abspath(path):
    return path if path.startswith('/') else _posix().getcwd().rstrip('/') + '/' + path


def _run(argv):
    """Run the program; returns its exit status. Mirrors Modules/main.c's choices
    of sys.argv and sys.path[0]."""
    main_type = type(sys)
    if not argv:
        return 0
    if argv[0] == '-c':
        if len(argv) < 2:
            sys.stderr.write('trace: -c needs an argument\n')
            return 2
        sys.argv = ['-c'] + argv[2:]
        sys.path.insert(0, '')
        mod = main_type('__main__')
        mod.__dict__['__builtins__'] = __builtins__
        sys.modules['__main__'] = mod
        exec(compile(argv[1], '<string>', 'exec'), mod.__dict__)
        return 0
    if argv[0] == '-m':
        if len(argv) < 2:
            sys.stderr.write('trace: -m needs a module name\n')
            return 2
        sys.argv = [argv[1]] + argv[2:]
        sys.path.insert(0, _posix().getcwd())
        import runpy
        runpy._run_module_as_main(argv[1], alter_argv=True)
        return 0
    script = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, _abspath(script).rpartition('/')[0] or '/')
    with open(script, 'rb') as f:
        source = f.read()
    mod = main_type('__main__')
    mod.__dict__.update({'__builtins__': __builtins__, '__file__': script, '__cached__': None})
    sys.modules['__main__'] = mod
    exec(compile(source, script, 'exec'), mod.__dict__)
    return 0


def _status(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(str(code) + '\n')
    return 1


def _records():
    out = []
    for name, mod in list(sys.modules.items()):
        spec = getattr(mod, '__spec__', None)
        rec = {'name': name, 'spec': None, 'origin': None, 'hasLocation': False,
               'locations': None, 'loader': None, 'frozenFile': None}
        if spec is not None:
            loader = spec.loader
            locs = spec.submodule_search_locations
            state = getattr(spec, 'loader_state', None)
            rec.update({
                'spec': spec.name,
                'origin': spec.origin,
                'hasLocation': bool(spec.has_location),
                'locations': [str(p) for p in locs] if locs is not None else None,
                'loader': None if loader is None else (loader.__name__ if isinstance(loader, type) else type(loader).__name__),
                'frozenFile': getattr(state, 'filename', None),
            })
        out.append(rec)
    return out


def _take_paths(argv):
    paths = []
    while len(argv) >= 2 and argv[0] == '--path':
        paths.append(argv[1])
        argv = argv[2:]
    sys.path[0:0] = [p for p in paths if p not in sys.path]
    return argv


def main():
    argv = _take_paths(sys.argv[1:])
    exc_info = None
    try:
        status = _run(argv)
    except SystemExit as e:
        status = _status(e)
    except BaseException as e:  # the program failed: still report, then show why
        status = 1
        exc_info = e
    records = _records()  # before the report's own imports
    if exc_info is not None:
        import traceback
        traceback.print_exception(type(exc_info), exc_info, exc_info.__traceback__)
    import json
    line = MARKER + json.dumps({'status': status, 'argv': argv, 'modules': records}) + '\n'
    try:
        sys.stdout.flush()
    except Exception:
        pass
    stream = sys.__stdout__
    try:
        stream.write(line)
        stream.flush()
    except Exception:
        _posix().write(1, line.encode('utf-8', 'surrogateescape'))


main()
