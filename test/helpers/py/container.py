"""The length-prefixed container shared with test/helpers/container.ts.

b'PBTC', u32 record count, then per record: u32 field count, then per field
u32 length + bytes. All little-endian. Works on Python 3.8+.
"""
import struct

MAGIC = b'PBTC'


def write_records(path, records):
    with open(path, 'wb') as f:
        f.write(MAGIC + struct.pack('<I', len(records)))
        for fields in records:
            f.write(struct.pack('<I', len(fields)))
            for b in fields:
                f.write(struct.pack('<I', len(b)))
                f.write(b)


def read_records(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != MAGIC:
        raise ValueError('not a PBTC container')
    view = memoryview(data)
    (count,) = struct.unpack_from('<I', data, 4)
    pos = 8
    out = []
    for _ in range(count):
        (nf,) = struct.unpack_from('<I', data, pos)
        pos += 4
        fields = []
        for _ in range(nf):
            (n,) = struct.unpack_from('<I', data, pos)
            pos += 4
            fields.append(view[pos:pos + n])
            pos += n
        out.append(fields)
    return out
