"""Real .pyc files for the named stdlib modules, as importlib writes them.

usage: python make_pycs.py OUT NAME...
Writes a container of records [name, timestamp-pyc bytes, checked-hash-pyc bytes].
"""
import importlib.util
import os
import sys
from importlib import _bootstrap_external as be

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import write_records  # noqa: E402

records = []
for name in sys.argv[2:]:
    path = importlib.util.find_spec(name).origin
    with open(path, 'rb') as f:
        source = f.read()
    code = compile(source, path, 'exec', dont_inherit=True, optimize=0)
    st = os.stat(path)
    ts = be._code_to_timestamp_pyc(code, int(st.st_mtime), st.st_size)
    hs = be._code_to_hash_pyc(code, importlib.util.source_hash(source), True)
    records.append([name.encode(), bytes(ts), bytes(hs)])
write_records(sys.argv[1], records)
