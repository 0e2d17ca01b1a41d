"""Load pairs of marshal blobs and compare them field by field, exactly.

usage: python compare.py IN
IN is a container (container.py) of records [name, original, candidate].
Prints one JSON object: {"matched", "mismatchCount", "mismatches": [{"name", "where", "detail"}]}.

Not `loads(a) == loads(b)`: code equality skips fields and NaN != NaN. Here
types must match exactly (type(a) is type(b)), floats compare by their
struct.pack('<d') bits (NaN payloads too), complex by both parts' bits, strs
by code points, frozensets as sets of canonical keys, code objects by every
co_* attribute the version has, recursively. As a last check a matching pair
must also give the same marshal.dumps(obj, 2) (version 2 has no refs, so
this is canonical): it covers the fields Python does not expose
(co_localsplusnames/kinds from 3.11).
"""
import json
import marshal
import struct
import sys
import types
import os
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import read_records  # noqa: E402

warnings.simplefilter('ignore')  # co_lnotab is deprecated from 3.12
sys.setrecursionlimit(20000)  # values nest up to marshal's limit of 2000

CODE_ATTRS = [a for a in (
    'co_argcount', 'co_posonlyargcount', 'co_kwonlyargcount', 'co_nlocals', 'co_stacksize', 'co_flags',
    'co_code', 'co_consts', 'co_names', 'co_varnames', 'co_freevars', 'co_cellvars', 'co_filename',
    'co_name', 'co_qualname', 'co_firstlineno', 'co_lnotab', 'co_linetable', 'co_exceptiontable',
) if hasattr(types.CodeType, a)]
# co_lnotab is derived from co_linetable from 3.10 on; compare it only where it is the real field
if hasattr(types.CodeType, 'co_linetable'):
    CODE_ATTRS.remove('co_lnotab')

LEAF_EQ = (int, bool, str, bytes)
SINGLETONS = (type(None), type(Ellipsis))


def fbits(x):
    return struct.pack('<d', x).hex()


class Mismatch(Exception):
    def __init__(self, where, detail):
        Exception.__init__(self, where, detail)
        self.where = where
        self.detail = detail


def canon(x):
    t = type(x)
    if t is float:
        return ('float', fbits(x))
    if t is complex:
        return ('complex', fbits(x.real), fbits(x.imag))
    if t in (tuple, list):
        return (t.__name__,) + tuple(canon(i) for i in x)
    if t in (set, frozenset):
        return (t.__name__,) + tuple(sorted(repr(canon(i)) for i in x))
    if t is types.CodeType:
        return ('code', canonical_dump(x))
    if t is dict:
        return ('dict',) + tuple((canon(k), canon(v)) for k, v in x.items())
    if t is slice:
        return ('slice', canon(x.start), canon(x.stop), canon(x.step))
    return (t.__name__, x)


def cmp(a, b, where):
    ta, tb = type(a), type(b)
    if ta is not tb:
        raise Mismatch(where, 'type %s != %s' % (ta.__name__, tb.__name__))
    if ta is float:
        if fbits(a) != fbits(b):
            raise Mismatch(where, 'float bits %s != %s' % (fbits(a), fbits(b)))
    elif ta is complex:
        if fbits(a.real) != fbits(b.real) or fbits(a.imag) != fbits(b.imag):
            raise Mismatch(where, 'complex bits %s,%s != %s,%s' % (fbits(a.real), fbits(a.imag), fbits(b.real), fbits(b.imag)))
    elif ta in LEAF_EQ:
        if a != b:
            raise Mismatch(where, '%r != %r' % (a if len(repr(a)) < 200 else repr(a)[:200], b if len(repr(b)) < 200 else repr(b)[:200]))
    elif ta in SINGLETONS or a is StopIteration:
        if a is not b:
            raise Mismatch(where, '%r is not %r' % (a, b))
    elif ta in (tuple, list):
        if len(a) != len(b):
            raise Mismatch(where, 'length %d != %d' % (len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            cmp(x, y, '%s[%d]' % (where, i))
    elif ta in (set, frozenset):
        ka = set(canon(x) for x in a)
        kb = set(canon(x) for x in b)
        if len(a) != len(b) or ka != kb:
            raise Mismatch(where, '%s items differ: %r vs %r' % (ta.__name__, sorted(map(repr, ka - kb))[:3], sorted(map(repr, kb - ka))[:3]))
    elif ta is dict:
        ia, ib = list(a.items()), list(b.items())
        if len(ia) != len(ib):
            raise Mismatch(where, 'dict length %d != %d' % (len(ia), len(ib)))
        for i, ((k1, v1), (k2, v2)) in enumerate(zip(ia, ib)):
            cmp(k1, k2, '%s{key %d}' % (where, i))
            cmp(v1, v2, '%s{value %d}' % (where, i))
    elif ta is slice:
        cmp(a.start, b.start, where + '.start')
        cmp(a.stop, b.stop, where + '.stop')
        cmp(a.step, b.step, where + '.step')
    elif ta is types.CodeType:
        for attr in CODE_ATTRS:
            cmp(getattr(a, attr), getattr(b, attr), (where + '.' if where else '') + attr)
    elif a is StopIteration or ta is type:
        if a is not b:
            raise Mismatch(where, '%r is not %r' % (a, b))
    else:
        raise Mismatch(where, 'unexpected type %s' % ta.__name__)


def without_slices(x):
    """x with every slice replaced by a tagged tuple, sharing x's objects where there is none.

    marshal versions below 5 cannot write slices (3.14 constants), and version 5 writes refs,
    so the canonical version-2 dump needs them gone. code.replace keeps every other field.
    """
    t = type(x)
    if t is slice:
        return ('<slice>', without_slices(x.start), without_slices(x.stop), without_slices(x.step))
    if t in (tuple, frozenset, list, set):
        items = [without_slices(i) for i in x]
        if all(a is b for a, b in zip(items, x)):
            return x
        return t(items)
    if t is types.CodeType:
        consts = without_slices(x.co_consts)
        return x if consts is x.co_consts else x.replace(co_consts=consts)
    return x


def canonical_dump(x):
    return marshal.dumps(without_slices(x), 2)


def main(path):
    matched = 0
    mismatches = []
    count = 0
    for name, original, candidate in read_records(path):
        name = bytes(name).decode('utf-8', 'surrogateescape')
        try:
            a = marshal.loads(original)
        except Exception as e:
            mm = ('<load original>', '%s: %s' % (type(e).__name__, e))
        else:
            try:
                b = marshal.loads(candidate)
            except Exception as e:
                mm = ('<load candidate>', '%s: %s' % (type(e).__name__, e))
            else:
                try:
                    cmp(a, b, '')
                    if canonical_dump(a) != canonical_dump(b):
                        mm = ('<marshal v2 dump>', 'field-by-field equal but canonical dumps differ')
                    else:
                        mm = None
                except Mismatch as e:
                    mm = (e.where or '<root>', e.detail)
        if mm is None:
            matched += 1
        else:
            count += 1
            if len(mismatches) < 200:
                mismatches.append({'name': name, 'where': mm[0], 'detail': mm[1]})
    json.dump({'matched': matched, 'mismatchCount': count, 'mismatches': mismatches}, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1])
