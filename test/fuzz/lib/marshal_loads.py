"""Differential oracle: read frames (u32 length + bytes) from the file in argv[1],
marshal.loads each from frame argv[2] on, and print one line per frame, flushed:
"ok <type name>" or "err <exception type>". CPython's marshal is not hardened
(3.8 aborts, 3.9 segfaults on some inputs): the caller restarts after the frame
that killed it."""
import marshal, struct, sys

with open(sys.argv[1], "rb") as f:
    data = f.read()
start = int(sys.argv[2])
pos = 0
index = 0
while pos < len(data):
    (n,) = struct.unpack_from("<I", data, pos)
    payload = data[pos + 4 : pos + 4 + n]
    pos += 4 + n
    index += 1
    if index - 1 < start:
        continue
    try:
        v = marshal.loads(payload)
        print("ok " + type(v).__name__, flush=True)
    except Exception as e:  # noqa: BLE001 - any exception is a rejection
        print("err " + type(e).__name__, flush=True)
