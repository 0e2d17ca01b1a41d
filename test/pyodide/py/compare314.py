"""test/helpers/py/compare.py for CPython 3.14 (run inside Pyodide).

compare.py ends with marshal.dumps(x, 2) as a canonical form (it covers code
fields Python does not expose). Version 2 cannot hold slice constants (new in
marshal version 5), so here that dump first turns each slice constant into the
tuple ('<slice>', start, stop, step) -- the slices themselves are compared
field by field before. Everything else is compare.py unchanged.

usage: compare314.py IN
"""
import marshal
import os
import sys
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'helpers', 'py'))
import compare  # noqa: E402


def _noslice(x):
    t = type(x)
    if t is slice:
        return ('<slice>', _noslice(x.start), _noslice(x.stop), _noslice(x.step))
    if t is tuple:
        return tuple(_noslice(i) for i in x)
    if t is frozenset:
        return frozenset(_noslice(i) for i in x)
    if t is types.CodeType:
        return x.replace(co_consts=tuple(_noslice(c) for c in x.co_consts))
    return x


class _Marshal:
    loads = staticmethod(marshal.loads)

    @staticmethod
    def dumps(x, version=marshal.version):
        return marshal.dumps(_noslice(x) if version < 5 else x, version)


compare.marshal = _Marshal
compare.main(sys.argv[1])
