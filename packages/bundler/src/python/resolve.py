# pybundle helper: resolve module names the way this interpreter's import
# system would, without importing them.
#
# Runs in any CPython 3.8+ (and Pyodide): no subprocess, no multiprocessing,
# no third-party imports. Reads one JSON request on stdin, writes one JSON
# answer on stdout:
#
# request  {"paths": [abs dir, ...],        prepended to sys.path
#           "include": ["name", "pkg.*"],   names asked for (errors if missing)
#           "stdlib": bool,                 every pure-Python stdlib module
#           "exclude": ["fnmatch", ...],    applied to every resolved name
#           "traced": [{...}, ...],         module records from trace_driver.py
#           "closure": bool,                add what the modules import (imports.py)
#           "main": null | {"file"} | {"source"}}  the traced program's own code
#                                           (a script, -c CODE), scanned as "__main__"
# answer   {"python": {...}, "modules": [...], "skipped": [...],
#           "unresolved": [...], "excluded": n,
#           "aliases": [{"name", "of"}],    traced names held under another spec name
#           "unresolvedImports": null | [{"name", "importedBy", "optional"}]}
#
# A module record: {"name", "kind": "source"|"sourceless"|"namespace",
#                   "isPackage", "file" (absolute, null for namespaces),
#                   "relpath" ('/'-separated, relative to its search root),
#                   "frozen" (bool: the interpreter has it frozen; bundled
#                   from its source file), "stdlib",
#                   "reason": "include"|"stdlib"|"trace"|"closure"|"package"|"parent",
#                   "importedBy" (closure only: bundled modules importing it),
#                   "optional" (closure only: imported only under
#                   try/except ImportError)}
import sys

# `python helper.py` puts the helper's folder first on sys.path: it must not
# take part in resolution.
_here = globals().get('__file__')
if sys.path and _here and sys.path[0] == __import__('os').path.dirname(_here):
    del sys.path[0]

import os
import json
import fnmatch
import marshal
import sysconfig
import importlib.machinery as machinery
import importlib.util

PathFinder = machinery.PathFinder
BuiltinImporter = machinery.BuiltinImporter
FrozenImporter = machinery.FrozenImporter

STDLIB = os.path.realpath(sysconfig.get_paths()['stdlib'])
EXT_SUFFIXES = tuple(machinery.EXTENSION_SUFFIXES)
SOURCE_SUFFIXES = tuple(machinery.SOURCE_SUFFIXES)
BYTECODE_SUFFIXES = tuple(machinery.BYTECODE_SUFFIXES)


# importlib's bootstrap, frozen into every CPython 3 and installed under these names.
BOOTSTRAP = {'_frozen_importlib': 'importlib._bootstrap',
             '_frozen_importlib_external': 'importlib._bootstrap_external'}


def python_info():
    return {
        'version': list(sys.version_info[:3]),
        'magic': int.from_bytes(importlib.util.MAGIC_NUMBER[:2], 'little'),
        'marshalVersion': marshal.version,
        'implementation': sys.implementation.name,
        'cacheTag': sys.implementation.cache_tag,
        'executable': sys.executable,
        'stdlib': STDLIB,
    }


# --- finding specs without importing ---------------------------------------

def path_spec(fullname, path):
    """PathFinder.find_spec(fullname, path), minus its one side effect that needs
    the parent imported: for a namespace package it builds a _NamespacePath that
    looks the parent up in sys.modules. _get_spec is the same search (3.4-3.14)
    returning the portions as a plain list."""
    get = getattr(PathFinder, '_get_spec', None)
    if get is None:
        return PathFinder.find_spec(fullname, path)
    spec = get(fullname, path)
    if spec is None:
        return None
    if spec.loader is None:
        if not spec.submodule_search_locations:
            return None
        spec.origin = None
        spec.submodule_search_locations = list(spec.submodule_search_locations)
    return spec


_specs = {}
# False while the closure runs: its names come from bytecode, so a parent that is
# a plain module is never imported to ask it for a submodule (that would run the
# application's code here); only one already in sys.modules is asked (os.path).
_import_parents = True


def find(fullname):
    """The spec the import system would use for fullname, or None.

    Top-level names go through the standard meta path finders (builtin, frozen,
    path) in CPython's order; a submodule through PathFinder on its parent's
    __path__. Parents are never imported: a package that edits its __path__ at
    import time (pkgutil.extend_path) or plants aliases in sys.modules (os.path)
    is handled by the fallback to importlib.util.find_spec below.
    """
    if fullname in _specs:
        return _specs[fullname]
    _specs[fullname] = None  # guards against cycles
    spec = None
    parent, _, _ = fullname.rpartition('.')
    try:
        if not parent:
            spec = (BuiltinImporter.find_spec(fullname)
                    or FrozenImporter.find_spec(fullname)
                    or path_spec(fullname, sys.path))
        else:
            pspec = find(parent)
            if pspec is not None and pspec.submodule_search_locations is not None:
                spec = path_spec(fullname, list(pspec.submodule_search_locations))
            elif pspec is not None and (_import_parents or parent in sys.modules):
                # Not a package on disk; the parent may make it exist at import
                # time (os.path). Ask the real import system, which imports the parent.
                spec = importlib.util.find_spec(fullname)
    except Exception:  # a broken parent package, a bad path hook: treat as absent
        spec = None
    _specs[fullname] = spec
    return spec


def frozen_source(name, spec):
    """The stdlib source file of a frozen module (3.11+ freezes os, codecs, io, ...)."""
    state = getattr(spec, 'loader_state', None)
    fname = getattr(state, 'filename', None)
    if fname and os.path.isfile(fname):
        return fname
    base = os.path.join(STDLIB, *name.split('.'))
    for cand in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.isfile(cand):
            return cand
    return None


def relpath_for(name, file, is_package):
    parts = name.split('.')
    base = os.path.basename(file)
    if is_package:
        return '/'.join(parts + [base])
    return '/'.join(parts[:-1] + [base])


def loader_name(loader):
    if loader is None:
        return None
    if isinstance(loader, _NamedLoader):
        return loader.name
    if isinstance(loader, type):
        return loader.__name__
    return type(loader).__name__


def classify(name, spec):
    """(record, None) for something bundleable, or (None, reason) to skip."""
    if spec is None:
        return None, None
    if name in BOOTSTRAP or spec.name in BOOTSTRAP:
        return None, 'the import system frozen into the interpreter (%s): always built in' % BOOTSTRAP.get(name, name)
    if spec.name != name:
        return None, 'an alias of %s set up at import time (%s is bundled under its own name when selected)' % (spec.name, spec.name)
    loader = spec.loader
    lname = loader_name(loader)
    is_pkg = spec.submodule_search_locations is not None
    if loader is None or lname in ('NamespaceLoader', '_NamespaceLoader'):
        if is_pkg:
            return {'name': name, 'kind': 'namespace', 'isPackage': True, 'file': None,
                    'relpath': '', 'frozen': False,
                    'locations': [str(p) for p in spec.submodule_search_locations]}, None
        return None, 'created at run time, not imported from a file'
    if lname == 'BuiltinImporter' or spec.origin == 'built-in':
        return None, 'built-in module (compiled into the interpreter)'
    if lname == 'FrozenImporter' or spec.origin == 'frozen':
        src = frozen_source(name, spec)
        if src is None:
            return None, 'frozen module without a source file in the standard library'
        pkg = os.path.basename(src) == '__init__.py'
        return {'name': name, 'kind': 'source', 'isPackage': pkg, 'file': src,
                'relpath': relpath_for(name, src, pkg), 'frozen': True,
                'locations': [os.path.dirname(src)] if pkg else None}, None
    origin = spec.origin
    if isinstance(loader, machinery.ExtensionFileLoader) or lname == 'ExtensionFileLoader' or (
            origin and origin.endswith(EXT_SUFFIXES)):
        return None, 'extension module (%s): native code cannot be bundled' % os.path.basename(origin or '?')
    if not origin or not spec.has_location or not os.path.isfile(origin):
        return None, 'not loaded from a file (%s)' % lname
    if isinstance(loader, machinery.SourcelessFileLoader) or lname == 'SourcelessFileLoader' or (
            origin.endswith(BYTECODE_SUFFIXES)):
        kind = 'sourceless'
    elif isinstance(loader, machinery.SourceFileLoader) or lname == 'SourceFileLoader' or (
            origin.endswith(SOURCE_SUFFIXES)):
        kind = 'source'
    else:
        return None, 'loaded by %s, which pybundle does not know' % lname
    if is_pkg and not os.path.basename(origin).startswith('__init__.'):
        # A module file that makes itself a package at run time (six sets
        # __spec__.submodule_search_locations = [] for six.moves): on disk, and
        # in a bundle, it is a module; its folder is not its own.
        is_pkg = False
    rec = {'name': name, 'kind': kind, 'isPackage': is_pkg, 'file': os.path.abspath(origin),
           'relpath': relpath_for(name, origin, is_pkg), 'frozen': False,
           'locations': [str(p) for p in spec.submodule_search_locations] if is_pkg else None}
    return rec, None


# --- walking packages --------------------------------------------------------

def child_names(locations):
    """Names of the possible submodules in a package's folders (like pkgutil.iter_modules,
    plus folders without __init__.py, which are namespace packages)."""
    names = set()
    for loc in locations:
        try:
            entries = os.listdir(loc)
        except OSError:
            continue
        for entry in entries:
            full = os.path.join(loc, entry)
            if os.path.isdir(full):
                if entry != '__pycache__' and entry.isidentifier():
                    names.add(entry)
                continue
            for suffix in SOURCE_SUFFIXES + BYTECODE_SUFFIXES + EXT_SUFFIXES:
                if entry.endswith(suffix):
                    stem = entry[:-len(suffix)]
                    if stem.isidentifier() and stem != '__init__':
                        names.add(stem)
                    break
    return sorted(names)


class Result:
    def __init__(self):
        self.modules = {}
        self.skipped = {}
        # Why each module is in: 'include' | 'stdlib' | 'trace' | 'closure' | 'package' | 'parent'.
        self.reasons = {}

    def add(self, name, spec, why='include'):
        if name in self.modules or name in self.skipped:
            return name in self.modules
        rec, reason = classify(name, spec)
        if rec is not None:
            self.modules[name] = rec
            self.reasons.setdefault(name, why)
            return True
        if reason is not None:
            self.skipped[name] = reason
        return False

    def walk(self, name, spec, why='include'):
        """Add a package and everything below it. Namespace subpackages count only
        when they contain a module somewhere below (a data folder is not a package)."""
        rec, reason = classify(name, spec)
        if rec is None:
            if reason is not None and name not in self.modules:
                self.skipped.setdefault(name, reason)
            return False
        found = {}
        self._walk(name, spec, rec, found, set())
        for n, r in found.items():
            if n not in self.modules:
                self.modules[n] = r
                self.reasons.setdefault(n, why if n == name else 'package')
        return True

    def _walk(self, name, spec, rec, found, seen):
        """Collect rec and its children into found; a namespace package with no
        module below it is dropped (returns False)."""
        if name in seen:
            return False
        seen.add(name)
        locs = rec.get('locations')
        any_module = rec['kind'] != 'namespace'
        if locs:
            for child in child_names(locs):
                full = name + '.' + child
                try:
                    cspec = path_spec(full, list(locs))
                except Exception:
                    cspec = None
                _specs.setdefault(full, cspec)
                crec, creason = classify(full, cspec)
                if crec is None:
                    if creason is not None:
                        self.skipped.setdefault(full, creason)
                    continue
                if self._walk(full, cspec, crec, found, seen):
                    any_module = True
        if any_module:
            found[name] = rec
        return any_module


def stdlib_top_names():
    names = set(getattr(sys, 'stdlib_module_names', ()))
    if not names:
        # 3.8/3.9: what the stdlib folder holds, plus the built-in modules.
        names.update(sys.builtin_module_names)
        for entry in os.listdir(STDLIB):
            full = os.path.join(STDLIB, entry)
            if os.path.isdir(full):
                if entry.isidentifier() and os.path.isfile(os.path.join(full, '__init__.py')):
                    names.add(entry)
            elif entry.endswith('.py') and entry[:-3].isidentifier():
                names.add(entry[:-3])
        dyn = os.path.join(STDLIB, 'lib-dynload')
        if os.path.isdir(dyn):
            for entry in os.listdir(dyn):
                stem = entry.split('.', 1)[0]
                if stem.isidentifier():
                    names.add(stem)
    # What the stdlib folder holds that sys.stdlib_module_names leaves out:
    # modules imported by a name that is not an identifier
    # (sysconfig imports _sysconfigdata__linux_x86_64-linux-gnu by name) and the
    # test modules behind frozen ones (__hello__, __phello__). Any file name
    # without a dot is a name importlib.import_module() accepts.
    try:
        entries = os.listdir(STDLIB)
    except OSError:
        entries = []
    for entry in entries:
        full = os.path.join(STDLIB, entry)
        if entry.endswith('.py') and '.' not in entry[:-3] and entry[:-3] and os.path.isfile(full):
            names.add(entry[:-3])
        elif '.' not in entry and os.path.isfile(os.path.join(full, '__init__.py')):
            names.add(entry)
    names.discard('test')  # as in 3.10+'s sys.stdlib_module_names: the test suite is opt-in
    names.discard('__main__')
    return sorted(names)


def in_stdlib(rec):
    f = rec.get('file') or ((rec.get('locations') or [None])[0])
    if not f:
        return False
    f = os.path.realpath(f)
    return f.startswith(STDLIB + os.sep) and os.sep + 'site-packages' + os.sep not in f[len(STDLIB):]


# --- traced modules ------------------------------------------------------------

def _named_as_file(name, t):
    """Whether a traced module's file is where its name puts it (html/parser.py for
    html.parser), so that bundling it under that name keeps name and path in step.
    A module made with spec_from_file_location('plugin', '/x/y.py') is not."""
    origin = t.get('origin')
    if not t.get('hasLocation') or not origin:
        return True  # frozen, built-in, namespace: classify() decides
    last = name.rpartition('.')[2]
    if t.get('locations') is not None:
        return os.path.basename(os.path.dirname(origin)) == last
    stem = os.path.basename(origin).partition('.')[0]
    return stem == last


class TracedSpec:
    """A spec rebuilt from trace_driver.py's record, for classify()."""

    def __init__(self, t):
        self.name = t.get('spec') or t['name']
        self.origin = t.get('origin')
        self.has_location = bool(t.get('hasLocation'))
        locs = t.get('locations')
        self.submodule_search_locations = list(locs) if locs is not None else None
        loader = t.get('loader')
        if loader == 'BuiltinImporter':
            self.loader = BuiltinImporter
        elif loader == 'FrozenImporter':
            self.loader = FrozenImporter
        elif loader is None:
            self.loader = None
        else:
            self.loader = _NamedLoader(loader)

        class State:
            filename = t.get('frozenFile')
        self.loader_state = State


class _NamedLoader:
    """Stands for a loader that lived in the traced process; classify() goes by suffix."""

    def __init__(self, name):
        self.name = name


# --- the closure: what the bundled code imports ----------------------------------

def _load_imports_helper():
    """imports.py, which sits beside this script (resolve.py deletes its own folder
    from sys.path, so it is loaded by path)."""
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location('_pybundle_imports', os.path.join(here, 'imports.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _is_main_guard(node):
    """`if __name__ == '__main__':` at the top of a module (either way round)."""
    import ast
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    t = node.test
    if len(t.ops) != 1 or not isinstance(t.ops[0], ast.Eq):
        return False
    sides = [t.left, t.comparators[0]]
    names = [x for x in sides if isinstance(x, ast.Name) and x.id == '__name__']
    consts = [x for x in sides if isinstance(x, ast.Constant) and x.value == '__main__']
    return len(names) == 1 and len(consts) == 1


def _code_of(rec, name):
    """The code to read imports from. For source, a module's `if __name__ ==
    '__main__':` block is left out: it runs only when the module is run as a
    program (heapq's imports doctest there), and a program the trace ran as
    __main__ was seen running. Modules named __main__ keep it."""
    try:
        with open(rec['file'], 'rb') as f:
            data = f.read()
        if rec['kind'] == 'sourceless':
            return marshal.loads(data[16:])
        if name.rpartition('.')[2] != '__main__':
            import ast
            tree = ast.parse(data, rec['file'])
            body = []
            for node in tree.body:
                body.extend(node.orelse if _is_main_guard(node) else [node])
            tree.body = body
            return compile(tree, rec['file'], 'exec', dont_inherit=True)
        return compile(data, rec['file'], 'exec', dont_inherit=True)
    except Exception:  # does not compile: the compile step reports it
        return None


def _main_code(main):
    try:
        if main.get('file') is not None:
            with open(main['file'], 'rb') as f:
                return compile(f.read(), main['file'], 'exec', dont_inherit=True)
        if main.get('source') is not None:
            return compile(main['source'], '<string>', 'exec', dont_inherit=True)
    except Exception:  # a folder or zip run as a script, a syntax error: the trace ran it already
        pass
    return None


def close(res, excludes, aliases, main=None):
    """Add every module the bundled code imports, to a fixed point. Returns
    {'importers': {name: set}, 'optional': {name: bool}, 'unresolved': [...],
    'excluded': set}. Modules the stdlib walk added are not scanned: that walk
    is already the whole standard library."""
    global _import_parents
    _import_parents = False
    helper = _load_imports_helper()
    importers = {}
    optional = {}  # name -> True while every import site seen is optional
    missing = {}   # name -> {'importedBy': set, 'optional': bool}
    excluded = set()
    following = set()  # aliases being followed (guards a cycle)
    queue = sorted(res.modules, reverse=True)
    scanned = set()
    # The traced program's own code (a script or -c CODE) is not bundled, but what
    # it imports is: its imports count as made by "__main__".
    main_code = _main_code(main or {})
    if main_code is not None:
        queue.append('__main__')

    def want(name, importer, opt, why='closure'):
        if name == '__main__':
            return  # the running program, always there
        if importer is not None and importer != name:
            importers.setdefault(name, set()).add(importer)
            optional[name] = optional.get(name, True) and opt
        if name in res.modules or name in res.skipped or name in excluded:
            return
        if any(fnmatch.fnmatchcase(name, p) for p in excludes):
            excluded.add(name)
            return
        spec = find(name)
        if spec is None and name in aliases:
            want(aliases[name], importer, opt, why)  # collections.abc on 3.14 is _collections_abc
            return
        if spec is None:
            parent = name.rpartition('.')[0]
            if parent and parent in missing:
                return  # `import a.b` with no `a`: only `a` is listed
            m = missing.setdefault(name, {'importedBy': set(), 'optional': True})
            if importer is not None:
                m['importedBy'].add(importer)
            m['optional'] = m['optional'] and opt
            return
        if spec.name != name and name not in BOOTSTRAP and spec.name not in BOOTSTRAP:
            if name in following or (name in aliases and aliases[name] != spec.name):
                return  # a cycle of aliases, or the trace saw it as something else: keep that
            aliases[name] = spec.name  # os.path is posixpath
            following.add(name)
            try:
                want(spec.name, importer, opt, why)
            finally:
                following.discard(name)
            return
        if res.add(name, spec, why):
            queue.append(name)

    while queue:
        name = queue.pop()
        if name == '__main__' and name not in scanned:
            scanned.add(name)
            for iname, level, fromlist, opt in _scan(helper, main_code):
                if level == 0:
                    _want_import(helper, want, find, iname, fromlist, opt, '__main__')
            continue
        if name in scanned or name not in res.modules:
            continue
        scanned.add(name)
        if any(fnmatch.fnmatchcase(name, p) for p in excludes):
            continue  # left out: what only it imports stays out too
        rec = res.modules[name]
        parent = name.rpartition('.')[0]
        if parent:
            want(parent, None, False, 'parent')  # importing a.b imports a first
        if rec['kind'] == 'namespace' or res.reasons.get(name) == 'stdlib':
            continue
        code = _code_of(rec, name)
        if code is None:
            continue
        for iname, level, fromlist, opt in _scan(helper, code):
            target = helper.absolute(iname, level, name, rec['isPackage'])
            if target is not None:
                _want_import(helper, want, find, target, fromlist, opt, name)
    unresolved = [{'name': n, 'importedBy': sorted(m['importedBy']), 'optional': m['optional']}
                  for n, m in sorted(missing.items())]
    return {'importers': importers, 'optional': optional, 'unresolved': unresolved, 'excluded': excluded}


def _scan(helper, code):
    try:
        return helper.scan(code)
    except Exception:  # bytecode dis cannot read: treat as importing nothing rather than fail the build
        return []


def _want_import(helper, want, find, target, fromlist, opt, importer):
    """`import a.b.c` imports a, a.b and a.b.c; `from pkg import x` also pkg.x
    when that is a submodule."""
    parts = target.split('.')
    for i in range(1, len(parts) + 1):
        want('.'.join(parts[:i]), importer, opt)
    if fromlist:
        tspec = find(target)
        if tspec is None or tspec.submodule_search_locations is None:
            return  # not a package: `from m import x` takes an attribute
        for sub in fromlist:
            if sub != '*' and find(target + '.' + sub) is not None:
                want(target + '.' + sub, importer, opt)


def main():
    req = json.loads(sys.stdin.read() or '{}')
    paths = [os.path.abspath(p) for p in req.get('paths', [])]
    sys.path[0:0] = paths
    sys.path_importer_cache.clear()
    excludes = req.get('exclude', [])

    res = Result()
    unresolved = []
    for pattern in req.get('include', []):
        walk = pattern.endswith('.*')
        name = pattern[:-2] if walk else pattern
        spec = find(name)
        ok = res.walk(name, spec) if walk else res.add(name, spec)
        if not ok and spec is None:
            unresolved.append(pattern)

    if req.get('stdlib'):
        for name in stdlib_top_names():
            spec = find(name)
            if spec is None:
                continue  # listed by CPython for other platforms (msvcrt, winreg, ...)
            rec, reason = classify(name, spec)
            if rec is None:
                if reason is not None:
                    res.skipped.setdefault(name, reason)
                continue
            if not in_stdlib(rec) and rec['kind'] != 'namespace' and not rec.get('frozen'):
                real = os.path.realpath(rec['file'])
                where = rec['file'] if real == rec['file'] else '%s (a link to %s)' % (rec['file'], real)
                res.skipped.setdefault(name, 'shadowed by %s, outside the standard library' % where)
                continue
            res.walk(name, spec, 'stdlib')

    aliases = {}
    for t in req.get('traced', []):
        name = t['name']
        spec_name = t.get('spec')
        if spec_name and spec_name != name and name not in BOOTSTRAP and spec_name not in BOOTSTRAP:
            # sys.modules holds it under another name (markdown's `htmlparser` is
            # html.parser, six's six.moves.http_client is http.client, `-m app`'s
            # __main__ is app.__main__): bundle it under the name its spec gives,
            # the one the import system finds it by.
            if not _named_as_file(spec_name, t):
                res.skipped.setdefault(name, 'loaded from %s under the name %s, which the import system does not find it by' % (t.get('origin'), spec_name))
                continue
            aliases[name] = spec_name
            name = spec_name
        elif name == '__main__':
            continue
        if name in res.modules:
            continue
        if t.get('loader') == 'zipimporter' and name not in res.skipped:
            # Imported from a zip before the folder took its place (Pyodide's boot
            # imports from /lib/python314.zip; the runner then extracts it): the
            # finders find the same module as a file now.
            spec = find(name)
            if spec is not None and classify(name, spec)[0] is not None:
                res.add(name, spec, 'trace')
                continue
        res.add(name, TracedSpec(t), 'trace')

    closure = None
    if req.get('closure'):
        closure = close(res, excludes, aliases, req.get('main'))

    excluded = 0
    modules = []
    for name in sorted(res.modules):
        if any(fnmatch.fnmatchcase(name, p) for p in excludes):
            excluded += 1
            continue
        rec = dict(res.modules[name])
        rec['stdlib'] = rec['frozen'] or in_stdlib(rec)
        rec.pop('locations', None)
        rec['reason'] = res.reasons.get(name, 'include')
        if closure is not None:
            by = sorted(b for b in closure['importers'].get(name, ())
                        if (b in res.modules or b == '__main__') and b != name)
            if by:
                rec['importedBy'] = by
            if rec['reason'] == 'closure' and closure['optional'].get(name):
                rec['optional'] = True
        modules.append(rec)
    skipped = [{'name': n, 'reason': r} for n, r in sorted(res.skipped.items())
               if n not in res.modules and not any(fnmatch.fnmatchcase(n, p) for p in excludes)]
    unresolved = [u for u in unresolved if not any(fnmatch.fnmatchcase(u[:-2] if u.endswith('.*') else u, p) for p in excludes)]
    excluded += len(closure['excluded']) if closure is not None else 0
    out = {'python': python_info(), 'modules': modules, 'skipped': skipped,
           'unresolved': unresolved, 'excluded': excluded,
           'aliases': [{'name': n, 'of': aliases[n]} for n in sorted(aliases)],
           'unresolvedImports': None if closure is None else closure['unresolved']}
    sys.stdout.write(json.dumps(out))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
