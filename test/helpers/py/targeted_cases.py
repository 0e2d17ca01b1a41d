"""Marshal blobs for the targeted round-trip cases, built in the interpreter under test.

usage: python targeted_cases.py OUT
Writes a container of records [case name, marshal.dumps(obj)]. Values the
compiler will not produce (NaN payloads, lone surrogates next to each other,
70,000 constants) go into code objects through code.replace(co_consts=...).
"""
import marshal
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import write_records  # noqa: E402


def f64(bits):
    return struct.unpack('<d', struct.pack('<Q', bits))[0]


def with_consts(consts, src='x = 1'):
    return compile(src, '<targeted>', 'exec', dont_inherit=True).replace(co_consts=tuple(consts))


NANS = [f64(0x7ff8000000000000), f64(0xfff8000000000000), f64(0x7ff8000000000001), f64(0x7ff80000deadbeef),
        f64(0xfff0000000000123), f64(0x7ff0000000000001)]
INTS = [0, 1, -1, 2 ** 15 - 1, 2 ** 15, 2 ** 30, 2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1, 2 ** 63 - 1, 2 ** 63,
        -2 ** 63, -2 ** 63 - 1, 2 ** 64, 2 ** 1000, -2 ** 1000, 2 ** 1000 - 1, 3 ** 700]
STRS = ['', 'a', '\ud83d\ude00', '\U0001F600', '\ud83d', '\ude00', 'x\udc80y', '\udfff\ud800', 'é', 'é' * 300,
        'a' * 255, 'a' * 256, '\x00\x7f', '\u0800\uffff\U0010ffff', '\x80\xff']

SOURCE = '''
import os
def outer(a, /, b, *args, c=-0.0, **kw):
    x = 1
    def inner(y):
        nonlocal x
        return x + y + a
    return [i * 0.5 for i in range(3) if i in {1, 2.0, 'a', (1, 2), -0.0}], inner
class K:
    """doc"""
    def m(self):
        return super().m(), 1e308 * 10, -1e308 * 10, 1j, -0j, (0.0, -0.0, 0, False)
async def agen():
    async with ctx() as c:
        yield b'bytes\\x00', ..., None
'''
if sys.version_info >= (3, 11):  # except* (3.11 grammar)
    SOURCE += '''try:
    pass
except* ValueError:
    pass
'''


def cases():
    yield 'zeros', with_consts([0, 0.0, -0.0, False, (0.0,), (-0.0,), None, 0j, -0j, complex(-0.0, 0.0)])
    yield 'nans', with_consts(NANS + [complex(NANS[2], NANS[3]), (NANS[2], NANS[2])])
    yield 'ints', with_consts(INTS)
    yield 'strs', with_consts(STRS)
    yield 'strs-in-names', compile('x = 1', '<t>', 'exec').replace(co_names=('\ud83d\ude00', '\U0001F600', 'é'))
    yield 'empties', with_consts([(), frozenset(), '', b'', ((),), (frozenset(),)])
    yield 'frozensets', with_consts([frozenset([1, 2.0, 'a', (1, 2), -0.0, b'b']), frozenset([0.0]), frozenset([-0.0])])
    yield '70000-consts', with_consts(list(range(70000)) + [i + 0.5 for i in range(100)])
    yield 'source', compile(SOURCE, '/tmp/targeted_source.py', 'exec', dont_inherit=True)
    yield 'plain-values', [1, {'a': [2, 3.5], 'b': None}, {3}, frozenset(), (True, False, Ellipsis, StopIteration)]
    yield 'bytes', (b'', b'\x00' * 300, bytes(range(256)))
    if sys.version_info >= (3, 14):  # marshal version 5: slices, which the 3.14 compiler folds into constants
        yield 'slice-source', compile('x[1:2]; y[::-1]; z[-1:]; w[a:1]', '<slices>', 'exec', dont_inherit=True)
        yield 'slice-consts', with_consts([slice(1, 2, None), slice(None, None, -1), slice(-0.0, 2 ** 100, 'a'),
                                           (slice(f64(0x7ff8000000000001), None, ()),)])
        yield 'slice-value', [slice(1, 2, 3), slice(None, None, None)]
    # MAX_MARSHAL_STACK_DEPTH: 1500 on Emscripten (Pyodide) and WASI, 1000 on Windows, else 2000
    limit = 1500 if sys.platform in ('emscripten', 'wasi') else 1000 if sys.platform == 'win32' else 2000
    deep = ()
    for _ in range(limit - 1):  # limit tuples in all, the innermost one empty: exactly the limit
        deep = (deep,)
    yield 'deep-at-limit', deep


def main(out):
    records = []
    for name, obj in cases():
        records.append([name.encode(), marshal.dumps(obj)])
    write_records(out, records)


if __name__ == '__main__':
    main(sys.argv[1])
