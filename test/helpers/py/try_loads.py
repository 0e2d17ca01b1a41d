"""marshal.loads each blob; report what happened.

usage: python try_loads.py IN   (IN: container of [name, bytes])
Prints JSON: {name: "ok" | "ExceptionType: message"}.
"""
import json
import marshal
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import read_records  # noqa: E402

out = {}
for name, data in read_records(sys.argv[1]):
    try:
        marshal.loads(data)
        out[bytes(name).decode()] = 'ok'
    except Exception as e:
        out[bytes(name).decode()] = '%s: %s' % (type(e).__name__, e)
json.dump(out, sys.stdout)
