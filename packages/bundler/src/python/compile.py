# pybundle helper: compile one shard of modules with this interpreter and
# stream the code objects back as marshal bytes.
#
# Runs in any CPython 3.8+ (and Pyodide): no subprocess, no multiprocessing.
# Parallelism is the caller's business (it starts one of these per core).
#
# stdin:  u32 n (little-endian), n bytes of UTF-8 JSON
#           {"optimize": 0|1|2, "jobs": [{"id": int, "file": abs path,
#             "kind": "source"|"sourceless", "offset": int, "length": int}]},
#         then the sources' bytes: a source job is compiled from
#         blob[offset:offset+length], the bytes pybundle read and stamped (it
#         never reads the file again, so stamp and code cannot differ);
#         a sourceless job (no offset) reads its .pyc here.
# stdout: one frame per job, in job order:
#           u32 id, u32 status, u32 length (little-endian), then `length` bytes:
#           status 0: marshal.dumps(code)
#           status 1: UTF-8 JSON {"type", "message", "file", "line", "offset"}
import sys

_here = globals().get('__file__')
if sys.path and _here and sys.path[0] == __import__('os').path.dirname(_here):
    del sys.path[0]

import json
import marshal
import struct
import warnings
import importlib.util

MAGIC = importlib.util.MAGIC_NUMBER
# A .pyc header since 3.7 (PEP 552): magic, flags, then mtime+size or a source hash.
PYC_HEADER = 16


def compile_source(path, data, optimize):
    # Exactly importlib's SourceLoader.source_to_code: bytes in (so the coding
    # cookie and BOM rules apply), the path importlib would use, no inherited flags.
    code = compile(data, path, 'exec', dont_inherit=True, optimize=optimize)
    return marshal.dumps(code)


def read_sourceless(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < PYC_HEADER or data[:4] != MAGIC:
        got = int.from_bytes(data[:2], 'little') if len(data) >= 2 else None
        raise ImportError('bad magic number: the .pyc was written by another Python '
                          '(magic %s, this interpreter uses %d)'
                          % (got, int.from_bytes(MAGIC[:2], 'little')))
    body = data[PYC_HEADER:]
    code = marshal.loads(body)
    if type(code).__name__ != 'code':
        raise ImportError('the .pyc does not hold a code object')
    return body


def error_payload(exc, path):
    line = getattr(exc, 'lineno', None) if isinstance(exc, SyntaxError) else None
    offset = getattr(exc, 'offset', None) if isinstance(exc, SyntaxError) else None
    msg = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
    return {'type': type(exc).__name__, 'message': msg,
            'file': (getattr(exc, 'filename', None) if isinstance(exc, SyntaxError) else None) or path,
            'line': line, 'offset': offset}


def main():
    raw = sys.stdin.buffer.read()
    n = struct.unpack_from('<I', raw, 0)[0]
    req = json.loads(raw[4:4 + n].decode('utf-8'))
    blob = memoryview(raw)[4 + n:]
    optimize = int(req.get('optimize', 0))
    out = sys.stdout.buffer
    warnings.simplefilter('ignore')  # SyntaxWarnings do not change the code object
    for job in req['jobs']:
        try:
            if job['kind'] == 'sourceless':
                body = read_sourceless(job['file'])
            else:
                if 'offset' in job:
                    data = bytes(blob[job['offset']:job['offset'] + job['length']])
                else:
                    with open(job['file'], 'rb') as f:
                        data = f.read()
                body = compile_source(job['file'], data, optimize)
            status = 0
        except (SyntaxError, ValueError, ImportError, OSError, UnicodeError,
                RecursionError, MemoryError, EOFError, TypeError) as exc:
            body = json.dumps(error_payload(exc, job['file'])).encode('utf-8')
            status = 1
        out.write(struct.pack('<III', job['id'], status, len(body)))
        out.write(body)
        out.flush()


if __name__ == '__main__':
    main()
