# Check an extracted tree against CPython's own compile of each source.
#
# usage: python check_extracted.py REQUEST.json
#   {"dir": DIR, "optimize": 0, "import": bool,
#    "modules": [{"name", "kind": "module"|"package"|"namespace", "path"}],
#    "originals": {name: path of the original .pyc, for sourceless modules}}
#
# For each module: the .pyc CPython's sourceless loader finds at DIR/a/b.pyc
# (or DIR/pkg/__init__.pyc) must load through SourcelessFileLoader.get_code
# (header check + unmarshal, as an import does) and equal, field by field,
# compile(source, co_filename, 'exec', dont_inherit=True, optimize=N) (compare.py's
# cmp: exact types, float bits, every co_* attribute, recursively). With
# "import", every module is also imported with DIR first on sys.path and must
# come from DIR. Prints JSON {"checked", "imported", "mismatches": [...]}.
import importlib
import importlib.machinery
import json
import marshal
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'helpers', 'py'))
from compare import cmp, Mismatch  # noqa: E402  (test/helpers/py/compare.py)
del sys.path[0]


def main(path):
    with open(path, encoding='utf-8') as f:
        req = json.load(f)
    root = req['dir']
    optimize = req.get('optimize', 0)
    originals = req.get('originals', {})
    warnings.simplefilter('ignore')
    mismatches = []
    checked = 0
    for m in req['modules']:
        name, kind = m['name'], m['kind']
        parts = name.split('.')
        try:
            if kind == 'namespace':
                if not os.path.isdir(os.path.join(root, *parts)):
                    raise Mismatch('<tree>', 'namespace folder missing')
                checked += 1
                continue
            pyc = os.path.join(root, *parts, '__init__.pyc') if kind == 'package' else os.path.join(root, *parts[:-1], parts[-1] + '.pyc')
            got = importlib.machinery.SourcelessFileLoader(name, pyc).get_code(name)
            if name in originals:
                with open(originals[name], 'rb') as f:
                    expected = marshal.loads(f.read()[16:])
            else:
                fn = got.co_filename
                if m.get('path') and not fn.replace(os.sep, '/').endswith(m['path']):
                    raise Mismatch('co_filename', '%r does not end with the bundle path %r' % (fn, m['path']))
                with open(fn, 'rb') as f:
                    expected = compile(f.read(), fn, 'exec', dont_inherit=True, optimize=optimize)
            # Field by field (frozensets as sets): their marshal order follows
            # str hashes, which differ between processes, so no byte compare.
            cmp(expected, got, '')
            checked += 1
        except Mismatch as e:
            mismatches.append({'name': name, 'where': e.where, 'detail': e.detail})
        except Exception as e:
            mismatches.append({'name': name, 'where': '<load>', 'detail': '%s: %s' % (type(e).__name__, e)})
    imported = 0
    if req.get('import'):
        sys.path.insert(0, root)
        importlib.invalidate_caches()
        for m in req['modules']:
            name = m['name']
            try:
                mod = importlib.import_module(name)
                spec = mod.__spec__
                if m['kind'] == 'namespace':
                    locs = [os.path.realpath(p) for p in spec.submodule_search_locations]
                    if os.path.realpath(os.path.join(root, *name.split('.'))) not in locs:
                        raise Mismatch('<import>', 'namespace path %r lacks the extracted folder' % locs)
                else:
                    if not isinstance(spec.loader, importlib.machinery.SourcelessFileLoader):
                        raise Mismatch('<import>', 'loaded by %s from %r, not sourceless from the tree' % (type(spec.loader).__name__, spec.origin))
                    if not os.path.realpath(mod.__file__).startswith(os.path.realpath(root) + os.sep):
                        raise Mismatch('<import>', '__file__ %r is outside the tree' % mod.__file__)
                imported += 1
            except Mismatch as e:
                mismatches.append({'name': name, 'where': e.where, 'detail': e.detail})
            except Exception as e:
                mismatches.append({'name': name, 'where': '<import>', 'detail': '%s: %s' % (type(e).__name__, e)})
    print(json.dumps({'checked': checked, 'imported': imported, 'mismatches': mismatches[:200], 'mismatchCount': len(mismatches)}))


if __name__ == '__main__':
    main(sys.argv[1])
