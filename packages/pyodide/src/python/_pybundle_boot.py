"""pybundle inside Pyodide: serve imports from a .pyb bundle.

Imported as a sourceless .pyc by the `sitecustomize` that @pybundle/pyodide
puts on PYTHONPATH, i.e. while `site` runs during Pyodide's startup, before
Pyodide's own imports (_pyodide, pyodide, asyncio, ...) and before any
JavaScript module exists. Its only channel to the bundle is then the
read-only filesystem that @pybundle/pyodide mounts from `fsInit`:

    <mount>/config     "key\tvalue" lines (roots, the stdlib zip)
    <mount>/index      module names, NUL, one "<kind><path>" per name (kind m, p, n)
    <mount>/ziplist    the stdlib zip's entry names, made on first read
    <mount>/m/<name>   marshal bytes of the module's code, made by JS on open
    <mount>/early/     the bundle as sourceless .pyc files (plus this module and
                       sitecustomize), for the imports that run before site
                       (encodings); taken off sys.path by install()
    <mount>/s/<name>   the module's .py bytes (bundles built with sources = true)
    <mount>/dist/      the distributions' *.dist-info / *.egg-info entries

Package data files are not here: @pybundle/pyodide mounts each bundled
top-level package's folder (<root>/<top>) from the bundle (package_mounts()).

Nothing here may compile Python source at startup: in Pyodide the first use of
the compiler costs about 150 ms of WebAssembly lazy compilation.
This module imports nothing that is not already imported when site runs.
"""
import sys
import marshal
import _imp
from posix import open as _open, read as _read, close as _close, fstat as _fstat, O_RDONLY

_bootstrap = sys.modules['_frozen_importlib']
_external = sys.modules['_frozen_importlib_external']
ModuleSpec = _bootstrap.ModuleSpec

# Pyodide's stdlib zip also holds its own packages and its sysconfig data.
_PYODIDE_STDLIB = frozenset(('_pyodide', 'pyodide', '_sysconfigdata__emscripten_wasm32-emscripten'))

finder = None


def _read_file(path):
    fd = _open(path, O_RDONLY)
    try:
        size = _fstat(fd).st_size
        data = _read(fd, size)
        while len(data) < size:  # never on the bundle filesystem; kept correct anyway
            more = _read(fd, size - len(data))
            if not more:
                break
            data += more
        return data
    finally:
        _close(fd)


def _zip_archive(path):
    """'/lib/python314.zip' for '/lib/python314.zip/json/x.py' when that archive is a file."""
    i = path.find('.zip/')
    if i < 0:
        return None
    archive = path[:i + 4]
    return archive if _external._path_isfile(archive) else None


class BundleLoader:
    """Loads one bundled module: marshal.loads of the bundle's bytes, exec in the module dict.

    Also the module's resource and source provider: files sit where the module's
    source was (`path`); data and source are read from there, from the file system
    or from inside a zip archive (Pyodide's stdlib zip).
    """

    def __init__(self, finder, name, path, is_package):
        self._finder = finder
        self.name = name
        self.path = path
        self._is_package = is_package

    def __repr__(self):
        return '<pybundle loader %r>' % (self.name,)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = self.get_code(module.__name__)
        _bootstrap._call_with_frames_removed(exec, code, module.__dict__)

    def get_code(self, fullname):
        code = marshal.loads(self._finder.read(fullname))
        # co_filename as the import system sets it for a source file: the module's origin.
        _imp._fix_co_filename(code, self.path)
        return code

    def is_package(self, fullname):
        return self._is_package

    def get_filename(self, fullname=None):
        return self.path

    def get_data(self, path):
        try:
            return _read_file(path)
        except OSError:
            archive = _zip_archive(path)
            if archive is None:
                raise
            import zipimport
            return zipimport.zipimporter(archive).get_data(path)

    def get_source(self, fullname):
        data = None
        if self._finder.has_files:
            try:
                data = _read_file(self._finder.mount + '/s/' + fullname)
            except OSError:
                pass
        if data is None:
            try:
                data = self.get_data(self.path)
            except OSError:
                return None
        return _external.decode_source(data)

    def get_resource_reader(self, fullname):
        archive = _zip_archive(self.path)
        if archive is not None:
            import zipimport
            where = self.path.rpartition('/')[0]
            if self._is_package:
                where = where.rpartition('/')[0]
            return zipimport.zipimporter(where + '/').get_resource_reader(fullname)
        from importlib.readers import FileReader
        return FileReader(self)


class BundleFinder:
    """A meta path finder for the modules in the bundle, placed before PathFinder."""

    def __init__(self, mount, index, stdlib_root, root, roots):
        self.mount = mount
        self._mdir = mount + '/m/'
        self._index = index
        self._stdlib_root = stdlib_root
        self._root = root
        self._roots = roots
        self._dirs = None
        self._zip_names = None
        self.stdlib_zip = None
        self.own_sitecustomize = False
        self.has_files = False
        self.read = self._read_fs

    def __repr__(self):
        return '<pybundle finder %s (%d modules)>' % (self.mount, len(self._index))

    def _read_fs(self, name):
        return _read_file(self._mdir + name)

    def root_for(self, name):
        top = name.partition('.')[0]
        root = self._roots.get(top)
        if root is not None:
            return root
        if top in sys.stdlib_module_names or top in _PYODIDE_STDLIB:
            return self._stdlib_root
        return self._root

    def names(self):
        return self._index.keys()

    def __contains__(self, name):
        return name in self._index

    def find_spec(self, fullname, path=None, target=None):
        rec = self._index.get(fullname)
        if rec is None:
            return None
        kind = rec[0]
        root = self.root_for(fullname)
        if kind == 'n':
            # As PathFinder makes them: no origin, a _NamespacePath, a NamespaceLoader.
            where = [root + '/' + fullname.replace('.', '/')]
            get_spec = _external.PathFinder._get_spec
            spec = ModuleSpec(fullname, _external.NamespaceLoader(fullname, where, get_spec), is_package=True)
            spec.origin = None
            spec.submodule_search_locations = _external._NamespacePath(fullname, where, get_spec)
            return spec
        origin = root + '/' + rec[1:]
        is_package = kind == 'p'
        spec = ModuleSpec(fullname, BundleLoader(self, fullname, origin, is_package),
                          origin=origin, is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [origin.rpartition('/')[0]]
        return spec

    def invalidate_caches(self):
        pass

    def find_distributions(self, context=None):
        """importlib.metadata asks every meta path finder: the bundle's distributions
        (<mount>/dist), found as MetadataPathFinder finds them in a sys.path folder."""
        if not self.has_files:
            return iter(())
        import importlib.metadata as md
        name = getattr(context, 'name', None)
        found = md.MetadataPathFinder._search_paths(name, [self.mount + '/dist'])
        return (_bundle_distribution(md)(self, path) for path in found)

    def zip_names(self):
        """Entry names of the stdlib zip ("json/", "json/decoder.py"), read once."""
        names = self._zip_names
        if names is None:
            names = self._zip_names = frozenset(_read_file(self.mount + '/ziplist').decode('utf-8').split('\n'))
        return names

    def package_dirs(self):
        """{folder: dotted package name} for every bundled package's folder and
        ('' for) every root that holds bundled top-level modules; computed once."""
        d = self._dirs
        if d is None:
            d = {}
            for name, rec in self._index.items():
                root = self.root_for(name)
                if '.' not in name:
                    d[root] = ''
                if rec[0] == 'p':
                    d[(root + '/' + rec[1:]).rpartition('/')[0]] = name
                elif rec[0] == 'n':
                    d[root + '/' + name.replace('.', '/')] = name
            self._dirs = d
        return d

    def iter_modules(self, package, root=None, prefix=''):
        """(name, ispkg) for the bundled direct submodules of `package` ('' and a
        root: the top-level modules under that root)."""
        base = package + '.' if package else ''
        for name, rec in self._index.items():
            if name.startswith(base):
                rest = name[len(base):]
                if rest and '.' not in rest and (package or self.root_for(name) == root):
                    yield prefix + rest, rec[0] != 'm'


_distribution_class = None


def _bundle_distribution(md):
    """A PathDistribution whose files (RECORD, SOURCES.txt) are located where its
    modules live (their root), not next to <mount>/dist."""
    global _distribution_class
    if _distribution_class is None:
        class BundleDistribution(md.PathDistribution):
            def __init__(self, finder, path):
                super().__init__(path)
                self._finder = finder

            def locate_file(self, path):
                import pathlib
                top = (self.read_text('top_level.txt') or '').partition('\n')[0].strip()
                root = self._finder.root_for(top) if top else self._finder._root
                return pathlib.Path(root, path)

        _distribution_class = BundleDistribution
    return _distribution_class


def package_mounts():
    """'top\tfolder' lines: where each bundled top-level package's folder is, for
    those that are not inside a zip archive (the stdlib zip has its own files)."""
    out = []
    f = finder
    for name, rec in f._index.items():
        kind = rec[0]
        if '.' in name or kind == 'm':
            continue
        root = f.root_for(name)
        if kind == 'p':
            folder = (root + '/' + rec[1:]).rpartition('/')[0]
        else:
            folder = root + '/' + name
        if folder != root + '/' + name or _zip_archive(folder + '/') is not None:
            continue
        out.append(name + '\t' + folder)
    return '\n'.join(out)


class _BundlePathEntry:
    """Path entry finder for a folder that holds bundled modules (a bundled
    package's folder, or a root), whether or not the folder exists.

    Modules in the bundle come from it (the meta path finder serves them first
    anyway); anything else in an existing folder is found by the finder the
    other path hooks give (FileFinder). pkgutil.iter_modules() lists the union,
    so a bundle shipped without its sources lists as its source folder would.
    """

    def __init__(self, finder, path, package):
        self._finder = finder
        self.path = path
        self._package = package
        self._fallback = _NOT_YET

    def __repr__(self):
        return '<pybundle path entry %r>' % (self.path,)

    def _other(self):
        if self._fallback is _NOT_YET:
            self._fallback = None
            for hook in sys.path_hooks:
                if hook is _path_hook:
                    continue
                try:
                    self._fallback = hook(self.path)
                    break
                except ImportError:
                    continue
        return self._fallback

    def find_spec(self, fullname, target=None):
        spec = self._finder.find_spec(fullname)
        if spec is not None and fullname.rpartition('.')[0] == self._package:
            return spec
        other = self._other()
        return other.find_spec(fullname, target) if other is not None else None

    def invalidate_caches(self):
        other = self._fallback
        if other is not None and other is not _NOT_YET:
            other.invalidate_caches()

    def iter_modules(self, prefix=''):
        found = dict(self._finder.iter_modules(self._package, self.path, ''))
        other = self._other()
        if other is not None:
            import pkgutil
            for name, ispkg in pkgutil.iter_importer_modules(other, ''):
                found.setdefault(name, ispkg)
        for name in sorted(found):
            yield prefix + name, found[name]


_NOT_YET = object()


class _LazyZipEntry:
    """Path entry finder for Pyodide's stdlib zip (and folders inside it) that opens
    the zip only for a module that is really in it.

    Without it the first import that misses the bundle (sitecustomize, nt, pwd,
    an unknown codec, ...) makes zipimport read the whole zip directory in
    Python; with it that happens only if such a module exists in the zip, which a
    whole-stdlib bundle makes rare. Everything else is delegated to zipimporter.
    """

    def __init__(self, finder, path):
        self._finder = finder
        self.path = path
        self._zip = None

    def __repr__(self):
        return '<pybundle lazy zip entry %r>' % (self.path,)

    def _zipimporter(self):
        if self._zip is None:
            import zipimport
            self._zip = zipimport.zipimporter(self.path)
        return self._zip

    def find_spec(self, fullname, target=None):
        rel = self.path[len(self._finder.stdlib_zip) + 1:]
        base = (rel + '/' if rel else '') + fullname.rpartition('.')[2]
        names = self._finder.zip_names()
        for cand in (base + '/', base + '.py', base + '.pyc', base + '/__init__.py', base + '/__init__.pyc'):
            if cand in names:
                return self._zipimporter().find_spec(fullname, target)
        return None

    def invalidate_caches(self):
        if self._zip is not None:
            self._zip.invalidate_caches()

    def iter_modules(self, prefix=''):
        import pkgutil
        return pkgutil.iter_importer_modules(self._zipimporter(), prefix)

    def __getattr__(self, name):
        # archive, prefix, get_data, get_resource_reader, ...: the real zipimporter's.
        return getattr(self._zipimporter(), name)


def _path_hook(path_item):
    f = finder
    if f is None or not isinstance(path_item, str):
        raise ImportError('not a pybundle path')
    z = f.stdlib_zip
    if z is not None and (path_item == z or path_item.startswith(z + '/')):
        return _LazyZipEntry(f, path_item.rstrip('/'))
    pkg = f.package_dirs().get(path_item)
    if pkg is None or _zip_archive(path_item + '/') is not None:
        raise ImportError('not a pybundle path')
    return _BundlePathEntry(f, path_item, pkg)


def _read_index(mount):
    text = _read_file(mount + '/index').decode('utf-8')
    names, _, recs = text.partition('\0')
    if not names:
        return {}
    return dict(zip(names.split('\n'), recs.split('\n')))


def _read_config(mount):
    config = {}
    for line in _read_file(mount + '/config').decode('utf-8').split('\n'):
        key, sep, value = line.partition('\t')
        if sep:
            config[key] = value
    return config


def install(mount=None):
    """Put the bundle's finder on sys.meta_path (before PathFinder) and adopt early imports.

    `mount` defaults to the folder above the one this module was imported from.
    """
    global finder
    if finder is not None:
        return finder
    if mount is None:
        mount = __file__.rpartition('/')[0].rpartition('/')[0]
    config = _read_config(mount)
    roots = {k[5:]: v for k, v in config.items() if k.startswith('root:')}
    finder = BundleFinder(mount, _read_index(mount), config['stdlib_root'], config['root'], roots)
    finder.stdlib_zip = config.get('stdlib_zip') or None
    finder.has_files = config.get('files') == '1'
    meta = sys.meta_path
    at = len(meta)
    for i, f in enumerate(meta):
        if f is _external.PathFinder:
            at = i
            break
    meta.insert(at, finder)
    sys.path_hooks.insert(0, _path_hook)
    _adopt_early(mount + '/early')
    # PYTHONPATH carried <mount>/early; give the program the environment it was given.
    import os
    if 'pythonpath' in config:
        os.environ['PYTHONPATH'] = config['pythonpath']
    else:
        os.environ.pop('PYTHONPATH', None)
    return finder


def _adopt_early(early):
    """Give modules imported from <mount>/early (before site ran) the specs the finder gives."""
    while early in sys.path:
        sys.path.remove(early)
    for key in [k for k in sys.path_importer_cache if isinstance(k, str) and k.startswith(early)]:
        del sys.path_importer_cache[key]
    for name, mod in list(sys.modules.items()):
        spec = getattr(mod, '__spec__', None)
        origin = getattr(spec, 'origin', None)
        if not (isinstance(origin, str) and origin.startswith(early + '/')):
            continue
        new = finder.find_spec(name)
        if new is None:
            continue
        _bootstrap._init_module_attrs(new, mod, override=True)
        # Code that already ran still names the .pyc: give its functions the source path.
        for value in list(vars(mod).values()):
            _fix_filenames(value, new.origin, mod.__name__)


def _fix_filenames(value, path, modname):
    if isinstance(value, type):
        if getattr(value, '__module__', None) != modname:
            return
        items = list(vars(value).values())
    elif getattr(value, '__module__', None) == modname:
        items = [value]
    else:
        return
    for item in items:
        code = getattr(getattr(item, '__func__', item), '__code__', None)
        if type(code) is _CodeType:
            _imp._fix_co_filename(code, path)


_CodeType = type(_fix_filenames.__code__)


def chain_sitecustomize():
    """Run the sitecustomize that site would have found without ours (site-packages,
    PYTHONPATH); without one, leave sys.modules as a failed `import sitecustomize` does."""
    spec = _external.PathFinder.find_spec('sitecustomize')
    if spec is None or spec.loader is None:
        finder.own_sitecustomize = True
        return
    module = _bootstrap.module_from_spec(spec)
    sys.modules['sitecustomize'] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules['sitecustomize']
        raise


def hide():
    """After startup: take this module and our sitecustomize out of sys.modules, so
    sys.modules holds what it holds in stock Pyodide (the finder keeps working)."""
    if finder is not None and finder.own_sitecustomize:
        sys.modules.pop('sitecustomize', None)
    sys.modules.pop(__name__, None)


def use_reader(read):
    """Swap the byte source: read(name) -> bytes (e.g. a call into JavaScript)."""
    finder.read = read


def use_js_module(name):
    """Read through a JavaScript module registered by pyodide.registerJsModule: read(name) -> Uint8Array."""
    read = __import__(name).read
    finder.read = lambda fullname: read(fullname).to_bytes()
